/// Converts between the equivalent spellings compose allows for one key, so two
/// files that use different spellings still merge entry by entry.
enum KeyedForm {
    /// `["A=1", "B"]` → `{A: "1", B: null}`; `depends_on: [db]` → `{db: {condition: service_started, required: true}}`;
    /// `extra_hosts: ["h:1.2.3.4"]` → `{h: "1.2.3.4"}`; a mapping is returned unchanged.
    static func mapping(_ node: YAMLNode, key: String) -> YAMLNode {
        if let entries = node.entries, key != "depends_on", key != "networks" {
            var result = node
            result.content = .mapping(entries.map { entry in
                var value = entry.value
                if case let .scalar(text, _) = value.content, !value.isNull { value.content = .scalar(text, plain: false) }
                return YAMLNode.Entry(key: entry.key, keyPosition: entry.keyPosition, value: value)
            })
            return result
        }
        guard let items = node.items else { return node }
        var entries: [YAMLNode.Entry] = []
        for item in items {
            guard let text = item.scalarText else { return node }
            let entry: YAMLNode.Entry
            switch key {
            case "depends_on":
                let condition = YAMLNode.Entry(key: "condition", keyPosition: item.position, value: .string("service_started", at: item.position))
                let required = YAMLNode.Entry(key: "required", keyPosition: item.position, value: YAMLNode(.scalar("true", plain: true), at: item.position))
                entry = .init(key: text, keyPosition: item.position, value: YAMLNode(.mapping([condition, required]), at: item.position))
            case "networks":
                entry = .init(key: text, keyPosition: item.position, value: YAMLNode(.scalar("null", plain: true), at: item.position))
            default:
                let separator: Character = key == "extra_hosts" && !text.contains("=") ? ":" : "="
                if let index = text.firstIndex(of: separator) {
                    let value = String(text[text.index(after: index)...])
                    entry = .init(key: String(text[..<index]), keyPosition: item.position, value: .string(value, at: item.position))
                } else {
                    entry = .init(key: text, keyPosition: item.position, value: YAMLNode(.scalar("null", plain: true), at: item.position))
                }
            }
            entries.removeAll { $0.key == entry.key }
            entries.append(entry)
        }
        var result = node
        result.content = .mapping(entries)
        return result
    }

    /// `extra_hosts` as a `host=ip` list: a mapping or `host:ip` entries are rewritten,
    /// and one host may appear with several addresses.
    static func hostList(_ node: YAMLNode) -> YAMLNode {
        var result = node
        if let entries = node.entries {
            result.content = .sequence(entries.flatMap { entry -> [YAMLNode] in
                let addresses = entry.value.items ?? [entry.value]
                return addresses.map { .string("\(entry.key)=\($0.scalarText ?? "")", at: $0.position) }
            })
        } else if let items = node.items {
            result.content = .sequence(items.map { item in
                guard let text = item.scalarText, !text.contains("="), let colon = text.firstIndex(of: ":") else { return item }
                return .string(text.replacingCharacters(in: colon...colon, with: "="), at: item.position)
            })
        }
        return result
    }

    /// `build: .` → `build: {context: .}`.
    static func buildMapping(_ node: YAMLNode) -> YAMLNode {
        guard let text = node.scalarText, !node.isNull else { return node }
        let context = YAMLNode.Entry(key: "context", keyPosition: node.position, value: .string(text, at: node.position))
        var result = node
        result.content = .mapping([context])
        return result
    }

    /// `env_file: a.env` → `[a.env]`.
    static func list(_ node: YAMLNode) -> YAMLNode {
        guard node.scalarText != nil, !node.isNull else { return node }
        var result = node
        result.content = .sequence([node])
        result.tag = .none
        return result
    }

    static func envFilePath(_ node: YAMLNode) -> String {
        node["path"]?.scalarText ?? node.scalarText ?? ""
    }

    /// A service volume is identified by its container path.
    static func volumeTarget(_ node: YAMLNode) -> String {
        if let target = node["target"]?.scalarText { return target }
        guard let text = node.scalarText else { return "" }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count >= 2 ? String(parts[1]) : text
    }
}
