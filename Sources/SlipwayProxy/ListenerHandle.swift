import NIOCore

/// The proxy's reference to an open listener: its server channel and its loop-confined state.
struct ListenerHandle: Sendable {
    let listener: Listener
    let serverChannel: any Channel
    let state: NIOLoopBound<ListenerState>

    var eventLoop: any EventLoop { serverChannel.eventLoop }

    /// Runs `body` on the listener's event loop with its state.
    /// Fails only when the event loop group has already been shut down.
    func withState<Result: Sendable>(_ body: @escaping @Sendable (ListenerState) -> Result) async throws -> Result {
        let state = self.state
        return try await eventLoop.submit { body(state.value) }.get()
    }
}
