/// Typed reads of YAML nodes that report what was expected instead of failing:
/// each read logs an error naming the key path and returns nil, so decoding
/// continues and every problem of a file is reported in one run.
struct ValueReader {
    let log: DiagnosticLog

    func fail(_ node: YAMLNode, _ path: String, _ message: String) {
        log.error(message, at: node.position, path: path)
    }

    func describe(_ node: YAMLNode) -> String {
        if let text = node.scalarText, !node.isNull { return "\"\(text)\"" }
        return node.kindName
    }

    func mapping(_ node: YAMLNode, _ path: String) -> [YAMLNode.Entry]? {
        guard let entries = node.entries else {
            fail(node, path, "must be a mapping, got \(describe(node))")
            return nil
        }
        return entries
    }

    func sequence(_ node: YAMLNode, _ path: String) -> [YAMLNode]? {
        guard let items = node.items else {
            fail(node, path, "must be a list, got \(describe(node))")
            return nil
        }
        return items
    }

    func string(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = node.scalarText, !node.isNull else {
            fail(node, path, "must be a string, got \(describe(node))")
            return nil
        }
        return text
    }

    /// A string that must be one of a fixed set of words; `expected` lists them for the error.
    func oneOf<Value>(_ node: YAMLNode, _ path: String, _ make: (String) -> Value?, _ expected: String) -> Value? {
        guard let text = string(node, path) else { return nil }
        guard let value = make(text) else {
            fail(node, path, "expected \(expected), got \"\(text)\"")
            return nil
        }
        return value
    }

    func int(_ node: YAMLNode, _ path: String) -> Int? {
        guard let text = node.scalarText, let number = ScalarResolver.int(text) else {
            fail(node, path, "must be an integer, got \(describe(node))")
            return nil
        }
        return number
    }

    func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        guard let text = node.scalarText, let flag = ScalarResolver.bool(text) else {
            fail(node, path, "must be true or false, got \(describe(node))")
            return nil
        }
        return flag
    }

    func duration(_ node: YAMLNode, _ path: String) -> Duration? {
        guard let text = node.scalarText, !node.isNull, let duration = DurationParser.parse(text) else {
            fail(node, path, "expected a duration like 10s or 1m30s, got \(describe(node))")
            return nil
        }
        return duration
    }

    func stringList(_ node: YAMLNode, _ path: String) -> [String]? {
        guard let items = sequence(node, path) else { return nil }
        let strings = items.enumerated().map { string($1, "\(path)[\($0)]") }
        return strings.contains(nil) ? nil : strings.compactMap { $0 }
    }

    /// `command`/`entrypoint`: a string runs through the shell, a list is exec'd.
    func commandLine(_ node: YAMLNode, _ path: String) -> CommandLine? {
        if node.items != nil {
            return stringList(node, path).map(CommandLine.exec)
        }
        guard let text = node.scalarText, !node.isNull else {
            fail(node, path, "must be a string or a list of strings, got \(describe(node))")
            return nil
        }
        return .shell(text)
    }

    /// Rejects keys outside `allowed`; `x-*` extension keys are allowed unless `extensions` is false.
    func checkKeys(_ entries: [YAMLNode.Entry], allowed: Set<String>, _ path: String, extensions: Bool = true) {
        for entry in entries where !allowed.contains(entry.key) && !(extensions && entry.key.hasPrefix("x-")) {
            log.error("unknown key \"\(entry.key)\"; \(KeySuggestion.hint(for: entry.key, among: allowed))", at: entry.keyPosition, path: path)
        }
    }

    /// A mapping of strings (`labels`, `environment` map form) or a `KEY=VALUE` list.
    /// Values are nil for a bare `KEY` (list) or a null value (mapping).
    func keyValues(_ node: YAMLNode, _ path: String) -> [(key: String, value: String?, position: SourcePosition)]? {
        if let entries = node.entries {
            var pairs: [(key: String, value: String?, position: SourcePosition)] = []
            for entry in entries {
                let value = entry.value
                guard value.scalarText != nil else {
                    fail(value, "\(path).\(entry.key)", "must be a boolean, null, number or string, got \(value.kindName)")
                    continue
                }
                pairs.append((entry.key, value.isNull ? nil : value.scalarText, entry.keyPosition))
            }
            return pairs
        }
        if let items = node.items {
            var pairs: [(key: String, value: String?, position: SourcePosition)] = []
            for (index, item) in items.enumerated() {
                guard let text = string(item, "\(path)[\(index)]") else { continue }
                if let equals = text.firstIndex(of: "=") {
                    pairs.append((String(text[..<equals]), String(text[text.index(after: equals)...]), item.position))
                } else {
                    pairs.append((text, nil, item.position))
                }
            }
            return pairs
        }
        fail(node, path, "must be a mapping or a list of KEY=VALUE strings, got \(describe(node))")
        return nil
    }
}
