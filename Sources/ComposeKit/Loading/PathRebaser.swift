/// Makes the relative paths of a service defined in another directory (an
/// `extends` file or an `include`) absolute, so they keep pointing where their
/// author meant once the service joins the main project.
enum PathRebaser {
    static func rebase(_ service: YAMLNode, from directory: String) -> YAMLNode {
        guard var entries = service.entries else { return service }
        for index in entries.indices {
            let value = entries[index].value
            switch entries[index].key {
            case "build": entries[index].value = rebaseBuild(value, directory)
            case "env_file": entries[index].value = rebaseEnvFiles(value, directory)
            case "working_dir": entries[index].value = rebaseScalar(value, directory)
            default: break
            }
        }
        var result = service
        result.content = .mapping(entries)
        return result
    }

    private static func rebaseBuild(_ node: YAMLNode, _ directory: String) -> YAMLNode {
        if node.scalarText != nil { return rebaseScalar(node, directory) }
        return rebaseKey("context", in: node, directory)
    }

    private static func rebaseEnvFiles(_ node: YAMLNode, _ directory: String) -> YAMLNode {
        if node.scalarText != nil { return rebaseScalar(node, directory) }
        guard let items = node.items else { return node }
        var result = node
        result.content = .sequence(items.map { item in
            item.entries != nil ? rebaseKey("path", in: item, directory) : rebaseScalar(item, directory)
        })
        return result
    }

    private static func rebaseKey(_ key: String, in node: YAMLNode, _ directory: String) -> YAMLNode {
        guard var entries = node.entries, let index = entries.firstIndex(where: { $0.key == key }) else { return node }
        entries[index].value = rebaseScalar(entries[index].value, directory)
        var result = node
        result.content = .mapping(entries)
        return result
    }

    private static func rebaseScalar(_ node: YAMLNode, _ directory: String) -> YAMLNode {
        guard let text = node.scalarText, !node.isNull, !text.hasPrefix("/"), !text.contains("://"), !text.hasPrefix("git@") else {
            return node
        }
        var result = node
        result.content = .scalar(PathResolver.absolute(text, relativeTo: directory), plain: false)
        return result
    }
}
