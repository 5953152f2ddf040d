/// `environment`, `env_file` and `labels`: the key/value parts of a service.
struct EnvironmentDecoder {
    let reader: ValueReader
    let projectDirectory: String
    /// Resolves a bare `environment` key (the shell, then `.env`).
    let lookup: (String) -> String?

    func environment(_ node: YAMLNode, _ path: String) -> [String: String?] {
        guard let pairs = reader.keyValues(node, path) else { return [:] }
        var environment: [String: String?] = [:]
        for pair in pairs {
            if pair.key.hasSuffix(" ") || pair.key.hasPrefix(" ") || pair.key.isEmpty {
                reader.log.error("environment variable \"\(pair.key)\" is declared with a leading or trailing space or is empty", at: pair.position, path: path)
                continue
            }
            environment[pair.key] = .some(pair.value ?? lookup(pair.key))
        }
        return environment
    }

    func labels(_ node: YAMLNode, _ path: String) -> [String: String] {
        guard let pairs = reader.keyValues(node, path) else { return [:] }
        return Dictionary(pairs.map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
    }

    func envFiles(_ node: YAMLNode, _ path: String) -> [EnvFileReference] {
        let items: [YAMLNode]
        if node.scalarText != nil, !node.isNull {
            items = [node]
        } else {
            guard let list = reader.sequence(node, path) else { return [] }
            items = list
        }
        return items.enumerated().compactMap { index, item in envFile(item, "\(path)[\(index)]") }
    }

    private func envFile(_ node: YAMLNode, _ path: String) -> EnvFileReference? {
        guard let entries = node.entries else {
            return reader.string(node, path).map { EnvFileReference(path: PathResolver.absolute($0, relativeTo: projectDirectory)) }
        }
        reader.checkKeys(entries, allowed: ComposeKeys.envFileKeys, path)
        guard let pathNode = node["path"] else {
            reader.fail(node, path, "missing required key \"path\"")
            return nil
        }
        guard let file = reader.string(pathNode, "\(path).path") else { return nil }
        var reference = EnvFileReference(path: PathResolver.absolute(file, relativeTo: projectDirectory))
        reference.required = node["required"].flatMap { reader.bool($0, "\(path).required") } ?? true
        if let format = node["format"], let name = reader.string(format, "\(path).format") {
            if name == "raw" {
                reference.raw = true
            } else {
                reader.fail(format, "\(path).format", "unsupported env_file format \"\(name)\"; expected raw (or no format for .env syntax)")
            }
        }
        return reference
    }
}
