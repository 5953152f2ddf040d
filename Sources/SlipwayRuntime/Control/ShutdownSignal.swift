import Synchronization

/// Fires once; every stream taken from it ends then, which lets a task wait
/// for shutdown and still be cancelled. A stream whose waiter goes away first
/// (its connection ended) is forgotten at once, so a long-lived signal holds
/// only the waiters still waiting.
final class ShutdownSignal: Sendable {
    private struct State {
        var fired = false
        var nextID = 0
        var waiters: [Int: AsyncStream<Never>.Continuation] = [:]
    }

    private let state = Mutex(State())

    func stream() -> AsyncStream<Never> {
        let (stream, continuation) = AsyncStream<Never>.makeStream()
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.waiters.removeValue(forKey: id) }
        }
        let fired = state.withLock { state in
            if !state.fired { state.waiters[id] = continuation }
            return state.fired
        }
        if fired { continuation.finish() }
        return stream
    }

    /// Streams taken and not yet ended, for tests that check nothing leaks.
    var waiterCount: Int {
        state.withLock { $0.waiters.count }
    }

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.finish() }
    }
}
