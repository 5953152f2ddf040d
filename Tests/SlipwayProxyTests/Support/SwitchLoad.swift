import NIOCore
import Synchronization

/// Keep-alive clients requesting `/name` in a loop while a test switches the upstream.
///
/// The test announces each switch before `setUpstream` and publishes it, with the name the
/// instance answers with, after `setUpstream` returned; a request sent after a publication must be
/// answered by that instance unless another switch was announced before its response arrived
/// (from then on the proxy may rightly route it to the next instance).
final class SwitchLoad: Sendable {
    private struct State {
        var generation = 0
        /// Nil while a switch is under way.
        var expected: String?
        var responses = 0
        var failures: [String] = []
        var misrouted: [String] = []
        var stopped = false
    }

    private let state: Mutex<State>

    init(initiallyExpected: String) {
        state = Mutex(State(expected: initiallyExpected))
    }

    var responses: Int { state.withLock { $0.responses } }
    var failures: [String] { state.withLock { $0.failures } }
    var misrouted: [String] { state.withLock { $0.misrouted } }

    func announceSwitch() {
        state.withLock {
            $0.generation += 1
            $0.expected = nil
        }
    }

    func publishSwitch(to expected: String) {
        state.withLock {
            $0.generation += 1
            $0.expected = expected
        }
    }

    func stop() { state.withLock { $0.stopped = true } }

    /// Runs one client until `stop()`; returns how many requests it completed.
    func runClient(port: Int, group: any EventLoopGroup) async throws -> Int {
        let client = try await HTTPTestClient.connect(port: port, group: group)
        var completed = 0
        while !state.withLock({ $0.stopped }) {
            let (generation, expected) = state.withLock { ($0.generation, $0.expected) }
            do {
                let response = try await client.request(.GET, "/name")
                record(response, sentAt: generation, expected: expected)
                completed += 1
            } catch {
                state.withLock { $0.failures.append("\(error)") }
                break
            }
        }
        await client.close()
        return completed
    }

    private func record(_ response: HTTPTestClient.Response, sentAt generation: Int, expected: String?) {
        state.withLock {
            $0.responses += 1
            if response.status != .ok {
                $0.failures.append("status \(response.status.code): \(response.body)")
            } else if let expected, response.body != expected && $0.generation == generation {
                $0.misrouted.append("generation \(generation): expected \(expected), got \(response.body)")
            }
        }
    }
}
