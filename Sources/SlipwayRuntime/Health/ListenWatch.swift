import Foundation
import Synchronization

/// What the listen watch saw for one registration.
public enum ListenEvent: Sendable, Equatable {
    /// One of the registered ports now has a listening socket.
    case listening(port: Int)
    /// A process of the registered tree listens on a port that is not one of
    /// the registered ports (a command that ignores `$PORT`).
    case foreignPort(Int)
}

/// Sees private ports start listening, for a whole supervisor at once: while
/// anything is registered, one thread lists the listening TCP sockets
/// (`ListeningSockets`, one sock_diag dump per address family) every 2 ms
/// and tells each registration when one of its ports appears. A
/// registration ends when all its ports listen or it is cancelled; with none
/// left the thread ends, so a project whose instances all listen costs
/// nothing. Registrations waiting longer than 10 s (a slow starter, or a
/// service listening elsewhere) are looked at every 20 ms, after a minute
/// every 200 ms.
///
/// A registration with a process tree also learns of listening sockets of
/// that tree on other ports: each new listening socket not on its ports is
/// matched, by inode, against the tree's open sockets once.
public final class ListenWatch: Sendable {
    public struct Registration: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Interest {
        var ports: Set<Int>
        var waiting: Set<Int>
        var processTree: Int32?
        var since: ContinuousClock.Instant
        /// Inodes of listening sockets on other ports already matched against the tree.
        var checked: Set<UInt64> = []
        var reported: Set<Int> = []
        var handler: @Sendable (ListenEvent) -> Void
    }

    private struct State {
        var interests: [UInt64: Interest] = [:]
        var nextID: UInt64 = 0
        var running = false
        /// sock_diag is not offered here: nothing will ever be reported.
        var unavailable = false
        var queries = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Reports `ports` as they start listening (each once) and, with a
    /// `processTree`, ports that tree listens on besides them, until every
    /// port listens or `cancel` is called. `handler` runs on the watch's thread.
    public func watch(
        ports: [Int], processTree: Int32?, handler: @escaping @Sendable (ListenEvent) -> Void
    ) -> Registration {
        let (registration, startThread) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.interests[id] = Interest(
                ports: Set(ports), waiting: Set(ports), processTree: processTree, since: .now, handler: handler)
            let start = !state.running && !state.unavailable
            state.running = state.running || start
            return (Registration(id: id), start)
        }
        if startThread { startWatching() }
        return registration
    }

    public func cancel(_ registration: Registration) {
        _ = state.withLock { $0.interests.removeValue(forKey: registration.id) }
    }

    /// Whether the watch's thread runs (it ends once nothing is registered).
    public var isRunning: Bool { state.withLock { $0.running } }

    /// Socket listings made so far.
    public var queryCount: Int { state.withLock { $0.queries } }

    private func startWatching() {
        let thread = Thread { self.watchUntilNothingWaits() }
        thread.name = "slipway-listen-watch"
        thread.start()
    }

    private func watchUntilNothingWaits() {
        guard let sockets = ListeningSockets() else {
            state.withLock {
                $0.unavailable = true
                $0.running = false
            }
            return
        }
        while let interests = registeredOrStop() {
            guard let listening = sockets.query() else {
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            let (updated, events) = Self.look(at: listening, for: interests)
            let handlers = apply(updated)
            for (id, event) in events { handlers[id]?(event) }
            Thread.sleep(forTimeInterval: Self.period(for: interests.values))
        }
    }

    /// The current registrations, or nil after marking the thread stopped when there are none.
    private func registeredOrStop() -> [UInt64: Interest]? {
        state.withLock { state in
            guard !state.interests.isEmpty else {
                state.running = false
                return nil
            }
            return state.interests
        }
    }

    private static func look(
        at listening: [ListeningSocket], for interests: [UInt64: Interest]
    ) -> ([UInt64: Interest], [(UInt64, ListenEvent)]) {
        let ports = Set(listening.map(\.port))
        var updated = interests
        var events: [(UInt64, ListenEvent)] = []
        for (id, interest) in interests {
            var next = interest
            for port in interest.waiting.sorted() where ports.contains(port) {
                next.waiting.remove(port)
                events.append((id, .listening(port: port)))
            }
            let unexplained = listening.filter { !interest.ports.contains($0.port) && !interest.checked.contains($0.inode) }
            if let root = interest.processTree, !unexplained.isEmpty {
                let own = ProcessTreeSockets.inodes(under: root)
                for socket in unexplained where own.contains(socket.inode) && next.reported.insert(socket.port).inserted {
                    events.append((id, .foreignPort(socket.port)))
                }
                next.checked.formUnion(unexplained.map(\.inode))
            }
            updated[id] = next
        }
        return (updated, events)
    }

    /// Stores what one look learned, drops registrations whose ports all
    /// listen; returns the handlers of the registrations looked at and not
    /// cancelled meanwhile.
    private func apply(_ updated: [UInt64: Interest]) -> [UInt64: @Sendable (ListenEvent) -> Void] {
        state.withLock { state in
            state.queries += 1
            var handlers: [UInt64: @Sendable (ListenEvent) -> Void] = [:]
            for (id, interest) in updated where state.interests[id] != nil {
                handlers[id] = interest.handler
                state.interests[id] = interest.waiting.isEmpty ? nil : interest
            }
            return handlers
        }
    }

    private static func period(for interests: some Collection<Interest>) -> TimeInterval {
        let now = ContinuousClock.now
        let youngest = interests.map { now - $0.since }.min() ?? .zero
        if youngest < .seconds(10) { return 0.002 }
        return youngest < .seconds(60) ? 0.02 : 0.2
    }
}
