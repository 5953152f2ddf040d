import ComposeKit

/// Every service's `ServiceNetworks`, worked out once per run. Each
/// service's hosts file and rewrite look at every other service, so reading
/// `networks:` afresh for each pair (and each name lookup) made preparing
/// a 50-service project cost more than starting it.
struct ProjectNetworks: Sendable {
    /// The services in the order given, with their networks.
    let services: [(name: String, networks: ServiceNetworks)]
    /// A service name or alias → the first service, in that order, that has it.
    let owners: [String: String]

    init(_ services: [Service]) {
        self.services = services.map { ($0.name, ServiceNetworks($0)) }
        var owners: [String: String] = [:]
        for (name, networks) in self.services {
            for key in [name] + networks.aliases.values.joined() where owners[key] == nil { owners[key] = name }
        }
        self.owners = owners
    }

    func networks(of service: String) -> ServiceNetworks? {
        services.first { $0.name == service }?.networks
    }
}
