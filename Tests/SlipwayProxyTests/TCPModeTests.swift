import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

@Suite("TCP mode over real sockets", .timeLimit(.minutes(3)))
struct TCPModeTests {
    @Test("bytes flow both ways and are counted for the instance")
    func roundTrip() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: backend.port))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("ping")
            #expect(try await eventually { client.text == "ping" })
            await client.close()

            #expect(try await eventually { await fixture.proxy.stats().instance("blue")?.active == 0 })
            let stats = try #require(await fixture.proxy.stats().instance("blue"))
            #expect(stats.connections == 1)
            #expect(stats.bytesIn == 4)
            #expect(stats.bytesOut == 4)
            #expect(stats.latency.count == 1)
            try await backend.stop()
        }
    }

    @Test("a half-close from the client reaches the upstream, which can still answer")
    func halfClose() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler(farewell: "|bye") }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: backend.port))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("hello")
            try await client.shutdownOutput()
            #expect(try await eventually { client.sawEndOfInput })
            #expect(client.text == "hello|bye")
            await client.close()
            try await backend.stop()
        }
    }

    @Test("a refused upstream closes the client and is counted as connectFailed")
    func connectFailure() async throws {
        try await ProxyFixture.with { fixture in
            let refusing = try RefusingPort()
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: refusing.port))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await eventually { client.sawEndOfInput })
            #expect(client.byteCount == 0)
            let stats = try #require(await fixture.proxy.stats().instance("blue"))
            #expect(stats.errors[.connectFailed] == 1)
            #expect(stats.active == 0)
            withExtendedLifetime(refusing) {}
            await client.close()
        }
    }

    @Test("an upstream that does not accept within the connect timeout closes the client, counted as connectTimeout")
    func connectTimeout() async throws {
        try await ProxyFixture.with { fixture in
            let blackhole = try UnacceptingListener()
            let listener = try await fixture.listen(
                .tcp, upstream: Upstream(instance: "blue", port: blackhole.port),
                limits: ProxyLimits(connectTimeout: .milliseconds(200))
            )
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await eventually { client.sawEndOfInput })
            #expect(await fixture.proxy.stats().instance("blue")?.errors[.connectTimeout] == 1)
            await client.close()
            withExtendedLifetime(blackhole) {}
        }
    }

    @Test("with no upstream set, a client is closed and counted on the listener")
    func noUpstream() async throws {
        try await ProxyFixture.with { fixture in
            let listener = try await fixture.listen(.tcp, upstream: nil)
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await eventually { client.sawEndOfInput })
            #expect(await fixture.proxy.stats().listeners.first?.noUpstream == 1)
            await client.close()
        }
    }

    @Test("a client that does not read holds the upstream back instead of the proxy buffering the stream")
    func backpressure() async throws {
        try await ProxyFixture.with { fixture in
            let total = 512 * 1024 * 1024
            let progress = StreamProgress()
            let backend = try await TCPTestServer.start(group: fixture.group) {
                StreamingSourceHandler(total: total, progress: progress)
            }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: backend.port))
            let client = try await TCPTestClient.connect(
                port: listener.boundPort, group: fixture.group, autoRead: false, keepBytes: false
            )
            #expect(try await eventually { progress.blocked && progress.written > 0 })
            #expect(try await !eventually(timeout: .seconds(2)) { progress.written == total })
            // Kernel socket buffers on three sockets and the proxy's write watermark hold far less than this.
            #expect(progress.written < 64 * 1024 * 1024)

            try await client.startReading()
            #expect(try await eventually(timeout: .seconds(120)) { client.sawEndOfInput })
            #expect(client.byteCount == total)
            await client.close()
            try await backend.stop()
        }
    }

    @Test("a port already in use is an error naming the port")
    func portInUse() async throws {
        try await ProxyFixture.with { fixture in
            let taken = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let key = ListenerKey(service: "db", containerPort: 5432)
            await #expect(throws: ProxyError.portInUse(host: "127.0.0.1", port: taken.port)) {
                try await fixture.proxy.addListener(ListenerConfig(key: key, port: taken.port))
            }
            #expect(ProxyError.portInUse(host: "127.0.0.1", port: taken.port).description.contains("\(taken.port)"))
            try await taken.stop()
        }
    }

    @Test("connections beyond the limit are closed on accept")
    func connectionLimit() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(
                .tcp,
                upstream: Upstream(instance: "blue", port: backend.port),
                limits: ProxyLimits(maxConnections: 1)
            )
            let first = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await first.send("a")
            #expect(try await eventually { first.text == "a" })
            let second = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await eventually { second.sawEndOfInput })
            #expect(await fixture.proxy.stats().listeners.first?.rejectedConnections == 1)
            await first.close()
            await second.close()
            try await backend.stop()
        }
    }

    @Test("an idle connection is closed after the idle timeout")
    func idleTimeout() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(
                .tcp,
                upstream: Upstream(instance: "blue", port: backend.port),
                limits: ProxyLimits(idleTimeout: .milliseconds(200))
            )
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await eventually { client.sawEndOfInput })
            await client.close()
            try await backend.stop()
        }
    }
}
