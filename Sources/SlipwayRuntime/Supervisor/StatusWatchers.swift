import Synchronization

/// The open `watch` streams of the control socket, each with the services it
/// asked for; every status change is sent to each of them.
final class StatusWatchers: Sendable {
    private struct Watcher {
        var services: [String]
        var continuation: AsyncStream<ControlEvent>.Continuation
    }

    private let state = Mutex<(next: Int, watchers: [Int: Watcher], finished: Bool)>((0, [:], false))

    var hasSubscribers: Bool { state.withLock { !$0.watchers.isEmpty } }

    /// A stream that ends when the client goes away or the supervisor stops.
    func subscribe(services: [String]) -> AsyncStream<ControlEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ControlEvent.self)
        let id = state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            state.next += 1
            state.watchers[state.next] = Watcher(services: services, continuation: continuation)
            return state.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ snapshot: StatusSnapshot) {
        let watchers = state.withLock { Array($0.watchers.values) }
        for watcher in watchers {
            var filtered = snapshot
            if !watcher.services.isEmpty {
                filtered.instances = snapshot.instances.filter { watcher.services.contains($0.service) }
            }
            watcher.continuation.yield(.status(filtered))
        }
    }

    func finish() {
        let watchers = state.withLock { state in
            state.finished = true
            defer { state.watchers = [:] }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.continuation.finish() }
    }
}
