/// A YAML/JSON value kept as written, for keys Slipway models only loosely
/// (`build`, `networks`, `volumes`, …) so `config` can print them back.
public enum ComposeValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([ComposeValue])
    /// Order is kept so `config` prints keys the way a person wrote them.
    case mapping([(key: String, value: ComposeValue)])

    public static func == (lhs: ComposeValue, rhs: ComposeValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.mapping(a), .mapping(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(v): hasher.combine(v)
        case let .int(v): hasher.combine(v)
        case let .double(v): hasher.combine(v)
        case let .string(v): hasher.combine(v)
        case let .array(v): hasher.combine(v)
        case let .mapping(v):
            for pair in v {
                hasher.combine(pair.key)
                hasher.combine(pair.value)
            }
        }
    }
}
