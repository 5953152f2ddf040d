import SlipwayProxy

/// One listening socket inside an instance's own network namespace and
/// where the proxy sends what it accepts.
struct NamespaceRoute: Sendable, Equatable {
    var address: String
    var port: Int
    var upstream: Upstream

    /// `ADDRESS:PORT`, as `__netns-hold` takes it.
    var endpoint: String { "\(address):\(port)" }
}

extension NamespaceRoute {
    /// What an instance's checks reach inside its own namespace, first match
    /// winning: `localhost` on each container port, then on each of its
    /// private and internal ports (`$PORT`, an image's `PGPORT`), both to the
    /// instance itself; the addresses its names reach, to itself for its own
    /// service and to the proxy's listener at the same address on the host
    /// for another; and the other services' `<NAME>_SERVICE_HOST:PORT`,
    /// to the same on the host.
    static func routes(
        instance: InstanceID, privatePorts: [Int: Int], allocatedPorts: [Int], service: String,
        reachable: [NamedEndpoint], addresses: [String: ServiceAddress]
    ) -> [NamespaceRoute] {
        var routes: [NamespaceRoute] = []
        func add(_ address: String, _ port: Int, _ upstream: Upstream) {
            guard !routes.contains(where: { $0.address == address && $0.port == port }) else { return }
            routes.append(NamespaceRoute(address: address, port: port, upstream: upstream))
        }
        let own = { (port: Int) in Upstream(instance: instance, port: port) }
        for (target, port) in privatePorts.sorted(by: { $0.key < $1.key }) {
            add("127.0.0.1", target, own(port))
            add("::1", target, own(port))
        }
        for port in allocatedPorts {
            add("127.0.0.1", port, own(port))
            add("::1", port, own(port))
        }
        for named in reachable {
            if named.service == service {
                if let port = privatePorts[named.containerPort] { add(named.address, named.port, own(port)) }
            } else {
                add(named.address, named.port, Upstream(instance: "\(named.service)#name", host: named.address, port: named.port))
            }
        }
        for (other, address) in addresses.sorted(by: { $0.key < $1.key }) where other != service {
            for binding in address.ports {
                add(address.host, binding.port, Upstream(instance: "\(other)#endpoint", host: address.host, port: binding.port))
            }
        }
        return routes
    }
}
