import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

@Suite("Switch and drain over real sockets", .timeLimit(.minutes(3)))
struct SwitchAndDrainTests {
    @Test("switching 50 times under keep-alive load loses no request and routes each new request to the new instance")
    func switchUnderLoad() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: blue.upstream("blue"))
            let load = SwitchLoad(initiallyExpected: "blue")

            try await withThrowingTaskGroup(of: Int.self) { clients in
                for _ in 0..<8 {
                    clients.addTask { try await load.runClient(port: listener.boundPort, group: fixture.group) }
                }
                for round in 1...50 {
                    let next = round.isMultiple(of: 2) ? ("blue", blue) : ("green", green)
                    load.announceSwitch()
                    try await fixture.proxy.setUpstream(next.1.upstream(next.0), for: listener.key)
                    load.publishSwitch(to: next.0)
                    let seen = load.responses
                    #expect(try await eventually { load.responses >= seen + 16 || !load.failures.isEmpty })
                }
                load.stop()
                var completed = 0
                for try await count in clients { completed += count }
                #expect(completed == load.responses)
                #expect(completed == blue.counters.requests + green.counters.requests)
            }
            #expect(load.failures.isEmpty)
            #expect(load.misrouted.isEmpty)
            let stats = await fixture.proxy.stats()
            #expect((stats.instance("blue")?.requests ?? 0) + (stats.instance("green")?.requests ?? 0) == load.responses)
            #expect(await fixture.proxy.drain(instance: "green", timeout: .seconds(30)) == .drained)
            try await blue.stop()
            try await green.stop()
        }
    }

    @Test("an instance moved to a new address is reached there, not on pooled connections to the old one")
    func sameInstanceNewAddress() async throws {
        try await ProxyFixture.with { fixture in
            let first = try await HTTPTestBackend.start(name: "first-port", group: fixture.group)
            let second = try await HTTPTestBackend.start(name: "second-port", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: first.upstream("web-1"))
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await client.request(.GET, "/name").body == "first-port")
            try await fixture.proxy.setUpstream(second.upstream("web-1"), for: listener.key)
            #expect(try await client.request(.GET, "/name").body == "second-port")
            await client.close()
            try await first.stop()
            try await second.stop()
        }
    }

    @Test("removing a listener stops accepting and closes its connections")
    func removeListener() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: backend.port))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("a")
            #expect(try await eventually { client.text == "a" })
            await fixture.proxy.removeListener(listener.key)
            #expect(try await eventually { client.sawEndOfInput })
            await #expect(throws: (any Error).self) {
                try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            }
            await #expect(throws: ProxyError.unknownListener(listener.key)) {
                try await fixture.proxy.setUpstream(nil, for: listener.key)
            }
            await client.close()
            try await backend.stop()
        }
    }

    @Test("a drain waits for the old instance's request in flight, which completes there")
    func drainWaitsForInFlightRequest() async throws {
        try await ProxyFixture.with { fixture in
            let gate = Gate()
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group, gate: gate)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: blue.upstream("blue"))
            let slowClient = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            let inFlight = Task { try await slowClient.request(.GET, "/gate") }
            #expect(try await eventually { gate.waitingCount == 1 })

            try await fixture.proxy.setUpstream(green.upstream("green"), for: listener.key)
            let drain = Task { await fixture.proxy.drain(instance: "blue", timeout: .seconds(60)) }
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            #expect(try await client.request(.GET, "/name").body == "green")
            #expect(await fixture.proxy.stats().instance("blue")?.active == 1)

            gate.open()
            #expect(await drain.value == .drained)
            #expect(try await inFlight.value.body == "blue")
            await client.close()
            await slowClient.close()
            try await blue.stop()
            try await green.stop()
        }
    }

    @Test("a drain that times out closes what is left and says so")
    func drainTimeout() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: blue.upstream("blue"))
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            let stuck = Task { try await client.request(.GET, "/hang") }
            #expect(try await eventually { blue.counters.requests == 1 })

            try await fixture.proxy.setUpstream(green.upstream("green"), for: listener.key)
            #expect(await fixture.proxy.drain(instance: "blue", timeout: .milliseconds(100)) == .timedOut(closedConnections: 1))
            let response = try await stuck.value
            #expect(response.status == .badGateway)
            let stats = try #require(await fixture.proxy.stats().instance("blue"))
            #expect(stats.errors[.drainClosed] == 1)
            #expect(stats.active == 0)
            await client.close()
            try await blue.stop()
            try await green.stop()
        }
    }

    @Test("TCP: new connections go to the new instance, old ones finish, then the drain reports it")
    func tcpSwitchAndDrain() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await TCPTestServer.start(group: fixture.group) { EchoHandler(farewell: "|blue") }
            let green = try await TCPTestServer.start(group: fixture.group) { EchoHandler(farewell: "|green") }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: blue.port))
            let old = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await old.send("a")
            #expect(try await eventually { old.text == "a" })

            let previous = try await fixture.proxy.setUpstream(Upstream(instance: "green", port: green.port), for: listener.key)
            #expect(previous?.instance == "blue")
            let fresh = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await fresh.send("b")
            try await fresh.shutdownOutput()
            #expect(try await eventually { fresh.sawEndOfInput })
            #expect(fresh.text == "b|green")

            let drain = Task { await fixture.proxy.drain(instance: "blue", timeout: .seconds(60)) }
            try await old.send("c")
            try await old.shutdownOutput()
            #expect(try await eventually { old.sawEndOfInput })
            #expect(old.text == "ac|blue")
            #expect(await drain.value == .drained)
            await old.close()
            await fresh.close()
            try await blue.stop()
            try await green.stop()
        }
    }

    @Test("TCP: a drain timeout closes the old instance's connections")
    func tcpDrainTimeout() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: blue.port))
            let old = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await old.send("a")
            #expect(try await eventually { old.text == "a" })
            try await fixture.proxy.setUpstream(nil, for: listener.key)
            #expect(await fixture.proxy.drain(instance: "blue", timeout: .milliseconds(100)) == .timedOut(closedConnections: 1))
            #expect(try await eventually { old.sawEndOfInput })
            #expect(await fixture.proxy.drain(instance: "blue", timeout: .seconds(5)) == .drained)
            await old.close()
            try await blue.stop()
        }
    }
}
