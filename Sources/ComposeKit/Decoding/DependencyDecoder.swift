/// `depends_on`: a list of names, or a mapping of name to `condition`, `restart`, `required`.
struct DependencyDecoder {
    let reader: ValueReader

    func decode(_ node: YAMLNode, _ path: String) -> [String: Dependency] {
        if let items = node.items {
            var dependencies: [String: Dependency] = [:]
            for (index, item) in items.enumerated() {
                if let name = reader.string(item, "\(path)[\(index)]") { dependencies[name] = Dependency() }
            }
            return dependencies
        }
        guard let entries = node.entries else {
            reader.fail(node, path, "must be a list of service names or a mapping, got \(reader.describe(node))")
            return [:]
        }
        var dependencies: [String: Dependency] = [:]
        for entry in entries {
            dependencies[entry.key] = dependency(entry.value, "\(path).\(entry.key)")
        }
        return dependencies
    }

    private func dependency(_ node: YAMLNode, _ path: String) -> Dependency {
        var dependency = Dependency()
        if node.isNull { return dependency }
        guard let entries = reader.mapping(node, path) else { return dependency }
        reader.checkKeys(entries, allowed: ComposeKeys.dependencyKeys, path)
        if let condition = node["condition"], let text = reader.string(condition, "\(path).condition") {
            if let parsed = Dependency.Condition(rawValue: text) {
                dependency.condition = parsed
            } else {
                let expected = Dependency.Condition.allCases.map(\.rawValue).joined(separator: ", ")
                reader.fail(condition, "\(path).condition", "expected one of \(expected), got \"\(text)\"")
            }
        }
        if let restart = node["restart"] { dependency.restart = reader.bool(restart, "\(path).restart") ?? false }
        if let required = node["required"] { dependency.required = reader.bool(required, "\(path).required") ?? true }
        return dependency
    }
}
