/// Loads one compose file the way compose-go does, per file: parse every
/// document, interpolate, pull in `include`s, resolve `extends`, then merge the
/// documents into one mapping.
final class ComposeFileLoader {
    let session: LoadSession
    /// Variables for interpolation in this file's scope (an `include` has its own).
    let variables: [String: String]
    /// The directory relative paths of this scope resolve against.
    let baseDirectory: String
    private var interpolatedCache: [String: YAMLNode] = [:]
    /// Files loaded as part of this scope (not reached through `extends`).
    private var scopeFiles: Set<String> = []

    init(session: LoadSession, variables: [String: String], baseDirectory: String) {
        self.session = session
        self.variables = variables
        self.baseDirectory = baseDirectory
    }

    /// The file with includes and extends applied; nil when it could not be read.
    func load(_ path: String, includeChain: [String] = []) -> YAMLNode? {
        scopeFiles.insert(path)
        guard var node = interpolatedFile(path) else { return nil }
        if let include = node["include"] {
            let included = IncludeResolver(loader: self).resolve(include, in: path, chain: includeChain + [path])
            node = removing("include", from: node)
            if let included { node = NodeMerger.merge(included, node) }
        }
        return ExtendsResolver(loader: self).resolveAll(in: node, file: path)
    }

    /// The file's documents merged and interpolated, before include and extends.
    func interpolatedFile(_ path: String) -> YAMLNode? {
        if let cached = interpolatedCache[path] { return cached }
        guard let documents = session.documents(path) else { return nil }
        let name = session.contents.displayName(path)
        var merged: YAMLNode?
        for document in documents where !document.isNull {
            guard document.entries != nil else {
                session.log.error("top-level object must be a mapping, got \(document.kindName)", at: document.position, path: "")
                return nil
            }
            let interpolated = interpolate(document)
            merged = merged.map { NodeMerger.merge($0, interpolated) } ?? interpolated
        }
        guard let merged else {
            session.log.error("empty compose file", at: SourcePosition(file: name, line: 1, column: 1), path: "")
            return nil
        }
        interpolatedCache[path] = merged
        return merged
    }

    /// Where a file's relative `extends.file`, `include` and `env_file` paths point from:
    /// the scope's directory for the files of the scope (compose resolves them against
    /// the project directory), the file's own directory for a file reached through `extends`.
    func workingDirectory(of path: String) -> String {
        path == "-" || scopeFiles.contains(path) ? baseDirectory : PathResolver.directory(of: path)
    }

    func interpolate(_ document: YAMLNode) -> YAMLNode {
        guard session.interpolate else { return document }
        return NodeInterpolator(variables: variables, log: session.log).interpolate(document)
    }

    private func removing(_ key: String, from node: YAMLNode) -> YAMLNode {
        var result = node
        result.content = .mapping((node.entries ?? []).filter { $0.key != key })
        return result
    }
}
