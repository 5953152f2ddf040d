import Yams

/// Reads compose YAML into `YAMLNode`s: every document of the stream, aliases
/// expanded, merge keys `<<` applied, `!reset`/`!override` kept, duplicate and
/// non-string keys rejected.
struct YAMLReader {
    /// The file name diagnostics show.
    let file: String

    /// A file's bytes, which must be UTF-8.
    func read(bytes: [UInt8]) throws(YAMLReadError) -> [YAMLNode] {
        switch UTF8Text.decode(bytes) {
        case .success(let text):
            return try read(text)
        case .failure(let invalid):
            throw YAMLReadError(message: invalid.message, position: SourcePosition(file: file, line: invalid.line, column: invalid.column))
        }
    }

    func read(_ text: String) throws(YAMLReadError) -> [YAMLNode] {
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic)
        } catch {
            throw translate(error)
        }
        var documents: [YAMLNode] = []
        var expansion = AliasExpansion()
        while true {
            let root: Node?
            do {
                root = try parser.nextRoot()
            } catch {
                throw translate(error)
            }
            guard let root else { break }
            documents.append(try convert(root, path: "", expansion: &expansion))
        }
        // The parser owns the anchors the nodes refer to weakly; keep it alive until here.
        withExtendedLifetime(parser) {}
        return documents
    }

    private func position(_ mark: Mark?) -> SourcePosition {
        SourcePosition(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private func translate(_ error: any Error) -> YAMLReadError {
        guard let yamlError = error as? YamlError else {
            return YAMLReadError(message: "\(error)", position: position(nil))
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return YAMLReadError(message: "invalid YAML: \(detail)", position: position(mark))
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return YAMLReadError(message: "mapping key \(names) already defined: duplicate keys are not allowed", position: position(context.mark))
        case let .reader(problem, _, _, _):
            return YAMLReadError(message: "invalid YAML: \(problem)", position: position(nil))
        default:
            return YAMLReadError(message: "invalid YAML: \(yamlError)", position: position(nil))
        }
    }

    private func convert(_ node: Node, path: String, expansion: inout AliasExpansion) throws(YAMLReadError) -> YAMLNode {
        let isAlias = expansion.enter(node.anchor)
        defer { expansion.leave(isAlias) }
        try expansion.count { position(node.mark) }
        // The raw tags, read before anything resolves them: `Node.tag` would resolve (and
        // overwrite) an implicit tag, hiding whether `!!str` was written.
        switch node {
        case let .scalar(scalar):
            let tag = mergeTag(scalar.tag.description)
            let explicitString = scalar.tag.description == Tag.Name.str.rawValue
            let plain = scalar.style == .plain && !explicitString
            return YAMLNode(.scalar(scalar.string, plain: plain), tag: tag, at: position(scalar.mark))
        case let .sequence(sequence):
            let tag = mergeTag(sequence.tag.description)
            var items: [YAMLNode] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, path: "\(path)[\(index)]", expansion: &expansion))
            }
            return YAMLNode(.sequence(items), tag: tag, at: position(sequence.mark))
        case let .mapping(mapping):
            let tag = mergeTag(mapping.tag.description)
            let entries = try convertMapping(mapping, path: path, expansion: &expansion)
            return YAMLNode(.mapping(entries), tag: tag, at: position(mapping.mark))
        case .alias:
            throw YAMLReadError(message: "unexpected unresolved alias", position: position(node.mark), path: path)
        }
    }

    private func mergeTag(_ name: String) -> YAMLNode.MergeTag {
        switch name {
        case "!reset": return .reset
        case "!override": return .override
        default: return .none
        }
    }

    private func convertMapping(_ mapping: Node.Mapping, path: String, expansion: inout AliasExpansion) throws(YAMLReadError) -> [YAMLNode.Entry] {
        var entries: [YAMLNode.Entry] = []
        var merged: [YAMLNode.Entry] = []
        for (keyNode, valueNode) in mapping {
            let key = try keyText(keyNode, path: path)
            if key == "<<", keyNode.scalar?.style == .plain {
                merged += try mergeSources(valueNode, path: path, expansion: &expansion)
                continue
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let value = try convert(valueNode, path: childPath, expansion: &expansion)
            entries.append(YAMLNode.Entry(key: key, keyPosition: position(keyNode.mark), value: value))
        }
        guard !merged.isEmpty else { return entries }
        // Keys written in the mapping win over merged ones; among merged sources the first wins.
        var present = Set(entries.map(\.key))
        return merged.filter { present.insert($0.key).inserted } + entries
    }

    private func keyText(_ keyNode: Node, path: String) throws(YAMLReadError) -> String {
        guard let scalar = keyNode.scalar else {
            throw YAMLReadError(message: "mapping keys must be strings, got a \(keyNode.mapping != nil ? "mapping" : "list")", position: position(keyNode.mark), path: path)
        }
        let isString: Bool
        if scalar.style == .plain, scalar.string != "<<" {
            if case .string = ScalarResolver.resolve(scalar.string) { isString = true } else { isString = false }
        } else {
            isString = true
        }
        guard isString else {
            let place = path.isEmpty ? "at top level" : "in \(path)"
            throw YAMLReadError(message: "non-string key \(place): \(scalar.string)", position: position(keyNode.mark), path: path)
        }
        return scalar.string
    }

    /// `<<: *a` or `<<: [*a, *b]`; earlier sources win over later ones, as YAML's merge key says.
    private func mergeSources(_ value: Node, path: String, expansion: inout AliasExpansion) throws(YAMLReadError) -> [YAMLNode.Entry] {
        let sources: [Node]
        switch value {
        case .mapping: sources = [value]
        case let .sequence(sequence): sources = Array(sequence)
        default:
            throw YAMLReadError(message: "map merge requires map or sequence of maps as the value", position: position(value.mark), path: path)
        }
        var merged: [YAMLNode.Entry] = []
        var seen = Set<String>()
        for source in sources {
            guard source.mapping != nil else {
                throw YAMLReadError(message: "map merge requires map or sequence of maps as the value", position: position(source.mark), path: path)
            }
            let converted = try convert(source, path: path, expansion: &expansion)
            for entry in converted.entries ?? [] where seen.insert(entry.key).inserted {
                merged.append(entry)
            }
        }
        return merged
    }
}
