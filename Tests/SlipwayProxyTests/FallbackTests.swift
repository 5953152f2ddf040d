import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

/// The previous version kept warm behind a deploy takes what the new one fails: the proxy half
/// of a rollback that loses no request.
@Suite("Fallback upstream over real sockets", .timeLimit(.minutes(3)))
struct FallbackTests {
    private static let key = ListenerKey(service: "web", containerPort: 8000)

    @Test("HTTP: requests the routed instance refuses are answered by the fallback; a switch without one clears it")
    func httpRefused() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let refusing = try RefusingPort()
            let listener = try await fixture.listen(.http, upstream: nil)
            try await fixture.proxy.setUpstream(Upstream(instance: "green", port: refusing.port), fallback: blue.upstream("blue"), for: Self.key)
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            var bodies: [String] = []
            for _ in 0..<5 { bodies.append(try await client.request(.GET, "/name").body) }
            let stats = await fixture.proxy.stats()

            try await fixture.proxy.setUpstream(Upstream(instance: "green", port: refusing.port), for: Self.key)
            let unprotected = try await client.request(.GET, "/name")
            let cleared = await fixture.proxy.stats().listeners.first?.fallback

            #expect(bodies == Array(repeating: "blue", count: 5))
            #expect(stats.listeners.first?.fellBack == 5)
            #expect(stats.listeners.first?.fallback?.instance == "blue")
            #expect(stats.instance("green")?.errors[.connectFailed] == 5)
            #expect(stats.instance("blue")?.requests == 5)
            #expect(unprotected.status == .badGateway)
            #expect(cleared == nil)
            withExtendedLifetime(refusing) {}
            await client.close()
            try await blue.stop()
        }
    }

    @Test("HTTP: when the routed instance dies with pooled connections open, its next requests go to the fallback")
    func httpInstanceDies() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: nil)
            try await fixture.proxy.setUpstream(green.upstream("green"), fallback: blue.upstream("blue"), for: Self.key)
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            var before: [String] = []
            for _ in 0..<3 { before.append(try await client.request(.GET, "/name").body) }
            try await green.kill()
            var after: [String] = []
            for _ in 0..<5 { after.append(try await client.request(.GET, "/name").body) }

            #expect(before == Array(repeating: "green", count: 3))
            #expect(after == Array(repeating: "blue", count: 5))
            #expect(await fixture.proxy.stats().listeners.first?.fellBack == 5)
            await client.close()
            try await blue.stop()
        }
    }

    @Test("TCP: a connection the routed instance refuses is relayed to the fallback")
    func tcpRefused() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let refusing = try RefusingPort()
            let listener = try await fixture.listen(.tcp, upstream: nil)
            try await fixture.proxy.setUpstream(
                Upstream(instance: "green", port: refusing.port), fallback: Upstream(instance: "blue", port: blue.port), for: Self.key)
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("ping")
            #expect(try await eventually { client.text == "ping" })
            let stats = await fixture.proxy.stats()
            #expect(stats.listeners.first?.fellBack == 1)
            #expect(stats.instance("green")?.errors[.connectFailed] == 1)
            #expect(stats.instance("green")?.active == 0)
            #expect(stats.instance("blue")?.connections == 1)
            #expect(stats.instance("blue")?.active == 1)
            withExtendedLifetime(refusing) {}
            await client.close()
            try await blue.stop()
        }
    }
}
