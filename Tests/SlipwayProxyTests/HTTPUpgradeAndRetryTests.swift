import Foundation
import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

@Suite("HTTP mode: upgrade tunnels and the stale keep-alive retry", .timeLimit(.minutes(3)))
struct HTTPUpgradeAndRetryTests {
    @Test("an Upgrade request becomes a byte tunnel after the instance's 101")
    func webSocketUpgrade() async throws {
        try await ProxyFixture.with { fixture in
            let heads = ReceivedBytes()
            let backend = try await TCPTestServer.start(group: fixture.group) { UpgradeEchoHandler(seenHeads: heads) }
            let listener = try await fixture.listen(.http, upstream: Upstream(instance: "blue", port: backend.port))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            // The first frame follows the request at once: the proxy holds it until the instance agrees.
            try await client.send(
                "GET /socket HTTP/1.1\r\nhost: app.test\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\n\r\nearly|"
            )
            #expect(try await eventually { client.text.hasSuffix("\r\n\r\nearly|") })
            #expect(client.text.hasPrefix("HTTP/1.1 101"))
            #expect(client.text.lowercased().contains("upgrade: websocket"))
            let head = String(decoding: heads.bytes, as: UTF8.self).lowercased()
            #expect(head.contains("connection: upgrade"))
            #expect(head.contains("upgrade: websocket"))

            let handshake = client.text.replacingOccurrences(of: "early|", with: "")
            #expect(!handshake.contains("early"))
            try await client.send("frame-one")
            #expect(try await eventually { client.text == handshake + "early|frame-one" })
            try await client.send("frame-two")
            #expect(try await eventually { client.text == handshake + "early|frame-oneframe-two" })
            #expect(await fixture.proxy.stats().instance("blue")?.active == 1)
            await client.close()
            #expect(try await eventually { await fixture.proxy.stats().instance("blue")?.active == 0 })
            try await backend.stop()
        }
    }

    @Test("a request that meets a reused connection the instance just closed is retried once on a fresh one")
    func staleConnectionRetry() async throws {
        try await ProxyFixture.with { fixture in
            let counters = BackendCounters()
            let backend = try await TCPTestServer.start(group: fixture.group) { StaleKeepAliveHandler(counters: counters) }
            let listener = try await fixture.listen(.http, upstream: Upstream(instance: "blue", port: backend.port))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)

            try await client.send("GET /one HTTP/1.1\r\nhost: a\r\n\r\n")
            #expect(try await eventually { client.text.hasSuffix("ok") })
            try await client.send("GET /two HTTP/1.1\r\nhost: a\r\n\r\n")
            #expect(try await eventually { client.text.components(separatedBy: "200 OK").count == 3 })
            #expect(counters.connections == 2)
            #expect(counters.requests == 2)

            // A request whose body already went out is not replayed: the client learns of the failure.
            try await client.send("POST /three HTTP/1.1\r\nhost: a\r\ncontent-length: 10\r\n\r\n0123456789")
            #expect(try await eventually { client.text.contains("502 Bad Gateway") })
            #expect(counters.requests == 2)
            let stats = try #require(await fixture.proxy.stats().instance("blue"))
            #expect(stats.errors[.upstreamClosed] == 1)
            #expect(stats.requests == 3)
            await client.close()
            try await backend.stop()
        }
    }
}
