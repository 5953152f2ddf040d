import Synchronization

/// Shared between a test and a server handler on an event loop.
final class StreamProgress: Sendable {
    private let state = Mutex<(written: Int, blocked: Bool)>((0, false))

    var written: Int { state.withLock { $0.written } }
    var blocked: Bool { state.withLock { $0.blocked } }

    func setWritten(_ value: Int) { state.withLock { $0.written = value } }
    func setBlocked(_ value: Bool) { state.withLock { $0.blocked = value } }
}
