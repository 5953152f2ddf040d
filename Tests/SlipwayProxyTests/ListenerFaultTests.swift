#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

@Suite("Injected faults over real sockets", .timeLimit(.minutes(3)))
struct ListenerFaultTests {
    private static let key = ListenerKey(service: "web", containerPort: 8000)

    @Test("HTTP: every request waits the injected latency before it reaches the instance")
    func httpLatency() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: backend.upstream("blue"))
            try await fixture.proxy.setFault(ListenerFault(latency: .milliseconds(200)), for: Self.key)
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            for _ in 0..<2 {
                let started = ContinuousClock.now
                #expect(try await client.request(.GET, "/name").body == "blue")
                #expect(ContinuousClock.now - started >= .milliseconds(200))
            }
            let body = try await client.request(.POST, "/upload", bodySize: 100_000)
            #expect(body.status == .ok && body.body == "100000")
            #expect(backend.counters.requests == 3)
            await client.close()
            try await backend.stop()
        }
    }

    @Test("HTTP: pipelined requests are each held in turn, answered in order")
    func httpLatencyPipelined() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: backend.upstream("blue"))
            try await fixture.proxy.setFault(ListenerFault(latency: .milliseconds(150)), for: Self.key)
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            let started = ContinuousClock.now
            try await client.send("GET /name HTTP/1.1\r\nhost: a\r\n\r\nPOST /upload HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\n\r\nhello")
            #expect(try await eventually { client.text.components(separatedBy: "HTTP/1.1 200 OK").count == 3 })
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            let bodies = client.text.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.components(separatedBy: "HTTP/1.1").first ?? "" }
            #expect(bodies == ["blue", "5"])
            await client.close()
            try await backend.stop()
        }
    }

    @Test("HTTP: a held request goes where the listener routes when its wait ends")
    func httpHeldAcrossASwitch() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: blue.upstream("blue"))
            // The switch must land inside the hold; a loaded machine has paused this test for
            // more than two seconds between the send and the switch.
            try await fixture.proxy.setFault(ListenerFault(latency: .seconds(10)), for: Self.key)
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("GET /name HTTP/1.1\r\nhost: a\r\n\r\n")
            try await fixture.proxy.setUpstream(green.upstream("green"), for: Self.key)
            #expect(try await eventually { client.text.hasSuffix("green") })
            #expect(blue.counters.requests == 0)
            await client.close()
            try await blue.stop()
            try await green.stop()
        }
    }

    @Test("HTTP: an error rate of 0.25 answers exactly every fourth request with a 503 naming the service")
    func httpErrorRate() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: backend.upstream("blue"))
            try await fixture.proxy.setFault(ListenerFault(errorRate: 0.25), for: Self.key)
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            var statuses: [UInt] = []
            var injected: [String] = []
            for _ in 0..<12 {
                let response = try await client.request(.GET, "/name")
                statuses.append(response.status.code)
                if response.status.code == 503 { injected.append(response.body) }
            }
            #expect(statuses == [200, 200, 200, 503, 200, 200, 200, 503, 200, 200, 200, 503])
            #expect(injected.allSatisfy { $0.contains("service \"web\"") && $0.contains("fault injected") })
            #expect(backend.counters.requests == 9)
            #expect(client.isOpen)
            let stats = try #require(await fixture.proxy.stats().listeners.first)
            #expect(stats.injectedErrors == 3)
            #expect(stats.fault == ListenerFault(errorRate: 0.25))
            await client.close()
            try await backend.stop()
        }
    }

    @Test("HTTP: latency and errors combine, stay across an upstream switch, and a reset clears both")
    func httpCombinedSwitchAndReset() async throws {
        try await ProxyFixture.with { fixture in
            let blue = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let green = try await HTTPTestBackend.start(name: "green", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: blue.upstream("blue"))
            try await fixture.proxy.setFault(ListenerFault(latency: .milliseconds(100), errorRate: 1), for: Self.key)
            try await fixture.proxy.setUpstream(green.upstream("green"), for: Self.key)
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            let started = ContinuousClock.now
            #expect(try await client.request(.GET, "/name").status.code == 503)
            #expect(ContinuousClock.now - started >= .milliseconds(100))
            #expect(try await fixture.proxy.fault(for: Self.key) == ListenerFault(latency: .milliseconds(100), errorRate: 1))
            try await fixture.proxy.setFault(.none, for: Self.key)
            #expect(try await client.request(.GET, "/name").body == "green")
            #expect(blue.counters.requests == 0)
            #expect(green.counters.requests == 1)
            await client.close()
            try await blue.stop()
            try await green.stop()
        }
    }

    @Test("TCP: an error rate resets connections at accept, exactly every second one at 0.5")
    func tcpErrorRate() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: backend.port))
            try await fixture.proxy.setFault(ListenerFault(errorRate: 0.5), for: Self.key)
            var outcomes: [String] = []
            for _ in 0..<4 { outcomes.append(try RawConnection.echo("ping", port: listener.boundPort)) }
            #expect(outcomes == ["ping", "reset", "ping", "reset"])
            #expect(try #require(await fixture.proxy.stats().listeners.first).injectedErrors == 2)
            try await fixture.proxy.setFault(.none, for: Self.key)
            #expect(try RawConnection.echo("pong", port: listener.boundPort) == "pong")
            try await backend.stop()
        }
    }

    @Test("TCP: the connect to the instance waits the injected latency")
    func tcpLatency() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let listener = try await fixture.listen(.tcp, upstream: Upstream(instance: "blue", port: backend.port))
            try await fixture.proxy.setFault(ListenerFault(latency: .milliseconds(200)), for: Self.key)
            let started = ContinuousClock.now
            #expect(try RawConnection.echo("ping", port: listener.boundPort) == "ping")
            #expect(ContinuousClock.now - started >= .milliseconds(200))
            try await backend.stop()
        }
    }
}

/// A blocking loopback client that tells a reset from an answer.
private enum RawConnection {
    struct Failure: Error { let call: String; let code: Int32 }

    /// Sends `text` and reads until as many bytes came back: the echo, or "reset" when the
    /// connection was reset (or closed) first.
    static func echo(_ text: String, port: Int) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(call: "connect", code: errno) }
        let bytes = Array(text.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            if errno == ECONNRESET || errno == EPIPE { return "reset" }
            throw Failure(call: "send", code: errno)
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while received.count < bytes.count {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 || errno == ECONNRESET {
                return "reset"
            } else {
                throw Failure(call: "recv", code: errno)
            }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
