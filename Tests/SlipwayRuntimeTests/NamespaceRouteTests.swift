import SlipwayProxy
import Testing
@testable import SlipwayRuntime

/// What a check reaches inside its instance's own network namespace
/// (docs/health-checks.md): `localhost` and its own address are the
/// instance, other services' addresses are the proxy on the host.
@Suite("routes of an instance's own network namespace")
struct NamespaceRouteTests {
    @Test func localhostAndTheOwnAddressReachTheInstanceAndOtherAddressesTheHostsProxy() {
        let routes = NamespaceRoute.routes(
            instance: "web-2", privatePorts: [8000: 41001], allocatedPorts: [41001, 41002], service: "web",
            reachable: [
                NamedEndpoint(service: "web", containerPort: 8000, address: "127.9.9.1", port: 8000),
                NamedEndpoint(service: "db", containerPort: 5432, address: "127.9.9.2", port: 5432),
            ],
            addresses: [
                "web": ServiceAddress(ports: [PortBinding(target: 8000, port: 8000)]),
                "db": ServiceAddress(ports: [PortBinding(target: 5432, port: 39000)]),
            ])
        let byEndpoint = Dictionary(routes.map { ($0.endpoint, $0.upstream) }, uniquingKeysWith: { first, _ in first })
        let own = { (port: Int) in Upstream(instance: "web-2", port: port) }

        #expect(byEndpoint["127.0.0.1:8000"] == own(41001), "localhost on the container port is this instance, not the published 8000")
        #expect(byEndpoint["::1:8000"] == own(41001))
        #expect(byEndpoint["127.0.0.1:41001"] == own(41001), "localhost:$PORT")
        #expect(byEndpoint["127.0.0.1:41002"] == own(41002), "an internal port")
        #expect(byEndpoint["127.9.9.1:8000"] == own(41001), "its own name")
        #expect(byEndpoint["127.9.9.2:5432"] == Upstream(instance: "db#name", host: "127.9.9.2", port: 5432))
        #expect(byEndpoint["127.0.0.1:39000"] == Upstream(instance: "db#endpoint", host: "127.0.0.1", port: 39000))
        #expect(routes.count == byEndpoint.count, "one route per endpoint")
    }
}
