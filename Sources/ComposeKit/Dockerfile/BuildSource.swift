/// What a service's `build:` names, read from its compose node: `build: dir`,
/// or `context`, `dockerfile` / `dockerfile_inline`, `args`, `target`. The
/// other `build` keys (cache, platforms, secrets, …) only steer an image
/// build, which never happens, and are left alone.
struct BuildSource {
    enum Dockerfile: Equatable {
        /// Absolute path.
        case file(String)
        /// `dockerfile_inline`, with where its text starts in the compose file.
        case inline(String, SourcePosition)
    }

    /// Absolute path of the build context.
    var context: String
    var dockerfile: Dockerfile
    var arguments: [String: String]
    var target: String?
    /// Where an unreadable Dockerfile is reported: the `dockerfile` key, else `build` itself.
    var position: SourcePosition

    /// The default Dockerfile, `Dockerfile` in the context, with no arguments.
    init(context: String, position: SourcePosition) {
        self.context = context
        self.dockerfile = .file(PathResolver.absolute("Dockerfile", relativeTo: context))
        self.arguments = [:]
        self.target = nil
        self.position = position
    }

    /// nil (with the problems logged) when the node does not say where a Dockerfile is.
    static func decode(
        _ node: YAMLNode, path: String, projectDirectory: String, reader: ValueReader,
        unavailable: (String, SourcePosition) -> Void, lookup: (String) -> String?
    ) -> BuildSource? {
        if node.scalarText != nil, !node.isNull {
            guard let context = local(reader.string(node, path), node, unavailable) else { return nil }
            return BuildSource(context: PathResolver.absolute(context, relativeTo: projectDirectory), position: node.position)
        }
        guard reader.mapping(node, path) != nil else { return nil }
        let contextText = node["context"].map { local(reader.string($0, "\(path).context"), $0, unavailable) } ?? "."
        guard let contextText else { return nil }
        var source = BuildSource(context: PathResolver.absolute(contextText, relativeTo: projectDirectory), position: node.position)
        if let inline = node["dockerfile_inline"] {
            guard node["dockerfile"] == nil else {
                reader.fail(inline, "\(path).dockerfile_inline", "dockerfile and dockerfile_inline cannot both be set")
                return nil
            }
            guard let text = reader.string(inline, "\(path).dockerfile_inline") else { return nil }
            source.dockerfile = .inline(text, inline.position)
        } else if let file = node["dockerfile"] {
            guard let name = reader.string(file, "\(path).dockerfile") else { return nil }
            source.dockerfile = .file(PathResolver.absolute(name, relativeTo: source.context))
            source.position = file.position
        }
        if let args = node["args"], !args.isNull {
            for (key, value, _) in reader.keyValues(args, "\(path).args") ?? [] {
                // A bare argument takes the shell's value, and is left out when it has none (as in compose).
                if let value = value ?? lookup(key) { source.arguments[key] = value }
            }
        }
        if let target = node["target"], !target.isNull { source.target = reader.string(target, "\(path).target") }
        return source
    }

    /// A context Slipway can read: a local directory, not a Git or HTTP URL.
    private static func local(_ text: String?, _ node: YAMLNode, _ unavailable: (String, SourcePosition) -> Void) -> String? {
        guard let text else { return nil }
        guard !text.contains("://"), !text.hasPrefix("git@") else {
            unavailable("a remote build context (\(text)) cannot be read; Slipway reads the Dockerfile of a local directory", node.position)
            return nil
        }
        return text
    }
}
