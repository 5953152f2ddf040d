import Foundation
import Glibc
import Synchronization
import Testing

@testable import SlipwayRuntime

@Suite("Control socket: hostile requests and many connections")
struct ControlHardeningTests {
    /// Numbers a client could send that no slipway would: out of range,
    /// not finite, of the wrong type, or too large for any integer.
    static let hostileLines = [
        #"{"version":1,"request":"stop","timeout":1e300}"#,
        #"{"version":1,"request":"restart","timeout":1e300}"#,
        #"{"version":1,"request":"down","timeout":1e300}"#,
        #"{"version":1,"request":"stop","timeout":1e400}"#,
        #"{"version":1,"request":"stop","timeout":-1}"#,
        #"{"version":1,"request":"stop","timeout":-0.001}"#,
        #"{"version":1,"request":"stop","timeout":86400.5}"#,
        #"{"version":1,"request":"stop","timeout":9223372036854775807}"#,
        #"{"version":1,"request":"stop","timeout":100000000000000000000000000000000}"#,
        #"{"version":1,"request":"stop","timeout":"NaN"}"#,
        #"{"version":1,"request":"stop","timeout":"Infinity"}"#,
        #"{"version":1,"request":"stop","timeout":"-inf"}"#,
        #"{"version":1,"request":"stop","timeout":NaN}"#,
        #"{"version":1,"request":"stop","timeout":true}"#,
        #"{"version":1,"request":"stop","timeout":[1]}"#,
        #"{"version":1,"request":"stop","timeout":{"seconds":1}}"#,
        #"{"version":1e300,"request":"status"}"#,
        #"{"version":-1,"request":"status"}"#,
        #"{"version":100000000000000000000000000,"request":"status"}"#,
        #"{"version":"1","request":"status"}"#,
        #"{"version":1,"request":"kill","signal":99999999999}"#,
        #"{"version":1,"request":"kill","signal":"99999999999999999999"}"#,
        #"{"version":1,"request":"kill","signal":"-9"}"#,
        #"{"version":1,"request":"stop","services":7}"#,
        #"{"version":1,"request":"stop","services":[1e300]}"#,
    ]

    @Test("every hostile number is answered with invalid-request, and the server still answers status after them")
    func hostileNumbers() async throws {
        try await ServedProject.serving { served async throws in
            let path = served.endpoint.socketPath
            for line in Self.hostileLines {
                let answer = try await offThePool { try rawExchange(path: path, line: line + "\n") }
                #expect(answer.hasPrefix(#"{"error":{"kind":"invalid-request""#), "\(line) → \(answer)")
            }
            #expect(try await served.client.status().instances.count == 2)
            #expect(served.project.requests == [.status(services: [])])
        }
    }

    @Test("a timeout within the limit is read to the millisecond; the limit itself is accepted")
    func timeoutsWithinTheLimit() throws {
        let decode = { (line: String) in try ControlCoding.decode(ControlRequest.self, from: Array(line.utf8)) }
        #expect(try decode(#"{"version":1,"request":"stop","timeout":0}"#) == .stop(services: [], timeout: .zero))
        #expect(try decode(#"{"version":1,"request":"down","timeout":86400}"#) == .down(timeout: .seconds(86_400)))
        #expect(try decode(#"{"request":"restart","timeout":0.25}"#) == .restart(services: [], timeout: .milliseconds(250)))
    }

    @Test("10,000 connections that ended leave no shutdown waiter behind")
    func connectionsLeaveNoWaiters() async throws {
        try await ServedProject.serving { served async throws in
            let client = served.client
            let path = served.endpoint.socketPath
            // Connections that close before any request took a waiter each, as
            // every connection does while its request is awaited; plain blocking
            // sockets keep the test cheap for the tests running beside it.
            try await offThePool {
                for _ in 0..<10_000 { close(try connectRaw(path: path)) }
            }
            for _ in 0..<100 { _ = try await client.status() }
            let watching = Task { try await client.watch { _ in false } }
            _ = await within { try await watching.value }
            #expect(await eventually { served.server.connectionWaiterCount == 0 },
                    "\(served.server.connectionWaiterCount) waiters left")
        }
    }

    /// NIO traps on a connection wrapped for async use that is dropped
    /// unclosed, which its async server channel did with one accepted as the
    /// listener closed: shutting down under a storm of connects crashed the
    /// process now and then.
    @Test("connections accepted while the server shuts down are closed, and nothing traps")
    func connectsDuringShutdownAreClosed() async throws {
        for _ in 0..<30 {
            let served = try await ServedProject.start()
            let path = served.endpoint.socketPath
            let storm = ConnectStorm()
            let connecting = Task { try await offThePool { storm.run(path: path) } }
            #expect(await eventually { storm.connections > 0 })
            await served.close()
            storm.stop()
            _ = try await connecting.value
        }
    }

    @Test("the signal forgets a waiter whose stream ended, and still ends the ones left")
    func signalForgetsEndedWaiters() async {
        let signal = ShutdownSignal()
        let kept = signal.stream()
        let waiting = Task { for await _ in signal.stream() {} }
        #expect(await eventually { signal.waiterCount == 2 })
        waiting.cancel()
        await waiting.value
        #expect(await eventually { signal.waiterCount == 1 })
        signal.fire()
        for await _ in kept {}
        #expect(signal.waiterCount == 0)
    }
}

/// Connects to a socket and closes at once, over and over, until stopped.
private final class ConnectStorm: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let made = Atomic<Int>(0)

    var connections: Int { made.load(ordering: .relaxed) }

    func run(path: String) {
        while !stopped.load(ordering: .relaxed) {
            guard let descriptor = try? connectRaw(path: path) else { continue }
            close(descriptor)
            made.add(1, ordering: .relaxed)
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
