import ComposeKit

/// A service's `networks:` as name resolution needs them: each network it
/// joins with the aliases it has there. Without `networks:` a service is on
/// the project's `default` network, as in docker compose.
public struct ServiceNetworks: Sendable, Equatable {
    /// network → aliases on it.
    public var aliases: [String: [String]]

    public init(aliases: [String: [String]]) {
        self.aliases = aliases
    }

    public init(_ service: Service) {
        switch service.notEmulated["networks"] {
        case let .array(entries)?:
            self.init(aliases: Dictionary(entries.compactMap { entry in
                if case let .string(name) = entry { (name, []) } else { nil }
            }, uniquingKeysWith: { first, _ in first }))
        case let .mapping(pairs)?:
            self.init(aliases: Dictionary(pairs.map { ($0.key, Self.aliases(in: $0.value)) }, uniquingKeysWith: { first, _ in first }))
        default:
            self.init(aliases: ["default": []])
        }
    }

    private static func aliases(in value: ComposeValue) -> [String] {
        guard case let .mapping(keys) = value, let entry = keys.first(where: { $0.key == "aliases" }),
              case let .array(names) = entry.value
        else { return [] }
        return names.compactMap { if case let .string(name) = $0 { name } else { nil } }
    }

    /// The names under which `other` is seen from a service on these
    /// networks: its service name and its aliases on the networks both
    /// share; nothing when they share none.
    public func names(of other: String, on theirs: ServiceNetworks) -> [String] {
        let shared = Set(aliases.keys).intersection(theirs.aliases.keys)
        guard !shared.isEmpty else { return [] }
        var seen: Set<String> = [other]
        return [other] + shared.sorted().flatMap { theirs.aliases[$0] ?? [] }.filter { seen.insert($0).inserted }
    }
}
