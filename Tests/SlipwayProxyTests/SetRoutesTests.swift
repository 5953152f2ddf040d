import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

@Suite("Several listeners routed in one round", .timeLimit(.minutes(3)))
struct SetRoutesTests {
    @Test("setRoutes switches every named listener, with its fallback, and returns the keys it does not know")
    func batch() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let published = try await fixture.listen(.http, upstream: blue.upstream("blue"))
            let address = ListenerKey(service: "web-address", containerPort: 8000)
            let second = try await fixture.proxy.addListener(ListenerConfig(key: address, port: 0, mode: .http))
            let missing = ListenerKey(service: "web", containerPort: 9000)
            let route = ListenerRoute(upstream: green.upstream("green"), fallback: blue.upstream("blue"))

            let unknown = await fixture.proxy.setRoutes([published.key: route, address: route, missing: route])
            var bodies: [String] = []
            for port in [published.boundPort, second.boundPort] {
                let client = try await HTTPTestClient.connect(port: port, group: fixture.group)
                bodies.append(try await client.request(.GET, "/name").body)
                await client.close()
            }
            let listeners = await fixture.proxy.stats().listeners.filter { $0.key != missing }

            #expect(unknown == [missing])
            #expect(bodies == ["green", "green"])
            #expect(listeners.map(\.upstream?.instance) == ["green", "green"])
            #expect(listeners.map(\.fallback?.instance) == ["blue", "blue"])
            try await blue.stop()
            try await green.stop()
        }
    }
}
