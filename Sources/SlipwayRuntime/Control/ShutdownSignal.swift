import Synchronization

/// Fires once; every stream taken from it ends then, which lets a task wait
/// for shutdown and still be cancelled.
final class ShutdownSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [AsyncStream<Never>.Continuation])>((false, []))

    func stream() -> AsyncStream<Never> {
        let (stream, continuation) = AsyncStream<Never>.makeStream()
        let fired = state.withLock { state in
            if !state.fired { state.waiters.append(continuation) }
            return state.fired
        }
        if fired { continuation.finish() }
        return stream
    }

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.finish() }
    }
}
