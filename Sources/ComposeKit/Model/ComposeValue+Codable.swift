/// A `ComposeValue` encodes as a tagged list, `["int", 5]`,
/// `["mapping", key, value, key, value, …]`, so a mapping keeps its order
/// through JSON (a JSON object would not).
extension ComposeValue: Codable {
    private enum Tag: String, Codable {
        case null, bool, int, double, string, array, mapping
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        switch self {
        case .null: try container.encode(Tag.null)
        case let .bool(value): try container.encode(Tag.bool); try container.encode(value)
        case let .int(value): try container.encode(Tag.int); try container.encode(value)
        case let .double(value): try container.encode(Tag.double); try container.encode(value)
        case let .string(value): try container.encode(Tag.string); try container.encode(value)
        case let .array(values): try container.encode(Tag.array); try container.encode(values)
        case let .mapping(pairs):
            try container.encode(Tag.mapping)
            for pair in pairs {
                try container.encode(pair.key)
                try container.encode(pair.value)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        switch try container.decode(Tag.self) {
        case .null: self = .null
        case .bool: self = .bool(try container.decode(Bool.self))
        case .int: self = .int(try container.decode(Int.self))
        case .double: self = .double(try container.decode(Double.self))
        case .string: self = .string(try container.decode(String.self))
        case .array: self = .array(try container.decode([ComposeValue].self))
        case .mapping:
            var pairs: [(key: String, value: ComposeValue)] = []
            while !container.isAtEnd {
                pairs.append((try container.decode(String.self), try container.decode(ComposeValue.self)))
            }
            self = .mapping(pairs)
        }
    }
}
