/// A YAML node as compose reads it: aliases and merge keys already expanded,
/// every node remembering where it was written, scalars kept as text until the
/// model says which type it expects (compose casts after interpolation).
struct YAMLNode: Sendable, Equatable {
    enum Content: Sendable, Equatable {
        /// `plain` is false for quoted and block scalars, which are always strings.
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([Entry])
    }

    struct Entry: Sendable, Equatable {
        var key: String
        var keyPosition: SourcePosition
        var value: YAMLNode
    }

    /// The `!reset` and `!override` tags that steer multi-file merging.
    enum MergeTag: Sendable, Equatable {
        case none
        case reset
        case override
    }

    var content: Content
    var tag: MergeTag
    var position: SourcePosition

    init(_ content: Content, tag: MergeTag = .none, at position: SourcePosition) {
        self.content = content
        self.tag = tag
        self.position = position
    }

    static func string(_ text: String, at position: SourcePosition) -> YAMLNode {
        YAMLNode(.scalar(text, plain: false), at: position)
    }

    var entries: [Entry]? {
        if case let .mapping(entries) = content { return entries }
        return nil
    }

    var items: [YAMLNode]? {
        if case let .sequence(items) = content { return items }
        return nil
    }

    var scalarText: String? {
        if case let .scalar(text, _) = content { return text }
        return nil
    }

    var isNull: Bool {
        if case let .scalar(text, plain) = content { return plain && ScalarResolver.isNull(text) }
        return false
    }

    subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }

    /// The kind of node, as an error message names it.
    var kindName: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The scalar's value with YAML 1.2 core resolution (as go-yaml v3 reads compose files).
    var resolved: ComposeValue {
        switch content {
        case let .scalar(text, plain):
            return plain ? ScalarResolver.resolve(text) : .string(text)
        case let .sequence(items):
            return .array(items.map(\.resolved))
        case let .mapping(entries):
            return .mapping(entries.map { ($0.key, $0.value.resolved) })
        }
    }
}
