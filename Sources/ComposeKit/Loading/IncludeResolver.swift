/// Top-level `include`: each entry loads other compose files as a sub-project
/// with its own project directory and `env_file`s; what it defines becomes the
/// base the including file merges onto.
struct IncludeResolver {
    let loader: ComposeFileLoader

    private var session: LoadSession { loader.session }

    func resolve(_ include: YAMLNode, in file: String, chain: [String]) -> YAMLNode? {
        let reader = ValueReader(log: session.log)
        guard let items = reader.sequence(include, "include") else { return nil }
        let directory = loader.workingDirectory(of: file)
        var merged: YAMLNode?
        for (index, item) in items.enumerated() {
            guard let node = load(item, path: "include[\(index)]", directory: directory, chain: chain, reader: reader) else { continue }
            merged = merged.map { NodeMerger.merge($0, node) } ?? node
        }
        return merged
    }

    private func load(_ item: YAMLNode, path: String, directory: String, chain: [String], reader: ValueReader) -> YAMLNode? {
        guard let entry = IncludeEntry(item, path: path, reader: reader) else { return nil }
        let files = entry.paths.map { PathResolver.absolute($0, relativeTo: directory) }
        guard let first = files.first else { return nil }
        if let repeated = files.first(where: chain.contains) {
            let cycle = (chain + [repeated]).map(session.contents.displayName).joined(separator: " → ")
            session.log.error("include cycle detected: \(cycle)", at: item.position, path: path)
            return nil
        }
        for missing in files where !session.contents.exists(missing) {
            session.log.error("included file \(missing) does not exist", at: item.position, path: path)
            return nil
        }
        let projectDirectory = entry.projectDirectory.map { PathResolver.absolute($0, relativeTo: directory) } ?? PathResolver.directory(of: first)
        let envFiles = entry.envFiles.map { PathResolver.absolute($0, relativeTo: directory) }
        let variables = EnvironmentSources(session: session).variables(envFiles: envFiles, projectDirectory: projectDirectory, processEnvironment: loader.variables)
        let subLoader = ComposeFileLoader(session: session, variables: variables, baseDirectory: projectDirectory)
        var merged: YAMLNode?
        for file in files {
            guard let node = subLoader.load(file, includeChain: chain) else { return nil }
            merged = merged.map { NodeMerger.merge($0, node) } ?? node
        }
        guard let merged else { return nil }
        return projectDirectory == session.projectDirectory ? merged : rebased(merged, from: projectDirectory)
    }

    private func rebased(_ node: YAMLNode, from directory: String) -> YAMLNode {
        guard let services = node["services"], let entries = services.entries else { return node }
        var rebasedServices = services
        rebasedServices.content = .mapping(entries.map { entry in
            YAMLNode.Entry(key: entry.key, keyPosition: entry.keyPosition, value: PathRebaser.rebase(entry.value, from: directory))
        })
        var result = node
        result.content = .mapping((node.entries ?? []).map { entry in
            entry.key == "services" ? YAMLNode.Entry(key: "services", keyPosition: entry.keyPosition, value: rebasedServices) : entry
        })
        return result
    }
}

/// One `include` entry, short (a path) or long (`path`, `env_file`, `project_directory`).
private struct IncludeEntry {
    var paths: [String]
    var envFiles: [String] = []
    var projectDirectory: String?

    init?(_ item: YAMLNode, path: String, reader: ValueReader) {
        if item.scalarText != nil {
            guard let file = reader.string(item, path) else { return nil }
            paths = [file]
            return
        }
        guard let entries = reader.mapping(item, path) else { return nil }
        reader.checkKeys(entries, allowed: ComposeKeys.includeKeys, path)
        guard let pathNode = item["path"] else {
            reader.fail(item, path, "missing required key \"path\"")
            return nil
        }
        guard let files = Self.strings(pathNode, "\(path).path", reader) else { return nil }
        paths = files
        envFiles = item["env_file"].flatMap { Self.strings($0, "\(path).env_file", reader) } ?? []
        projectDirectory = item["project_directory"].flatMap { reader.string($0, "\(path).project_directory") }
    }

    private static func strings(_ node: YAMLNode, _ path: String, _ reader: ValueReader) -> [String]? {
        if node.scalarText != nil { return reader.string(node, path).map { [$0] } }
        return reader.stringList(node, path)
    }
}
