import SlipwayStore

/// The life of one deployment as an explicit state machine, so every path a
/// deploy can take is checked without processes: a step out of order is an
/// error, never a silently wrong status in the log.
///
/// pending → starting (green launched) → releasing (release command) →
/// switching (green healthy; traffic moved, blue drained) → active (monitor
/// window passed) → superseded (a later deployment became active).
/// Before the switch any failure ends in `failed`; after it, a failure
/// with the previous instance still warm ends in `rolled_back`.
public struct DeploymentMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case launched
        case releaseStarted
        case healthy
        case switched
        case monitorPassed
        case failed
        case rolledBack
        case superseded
        case interrupted
    }

    public private(set) var status: DeploymentStatus = .pending
    /// True once the proxy routes to the new instance.
    public private(set) var isLive = false

    public init() {}

    public mutating func handle(_ event: Event) throws(DeploymentTransitionError) {
        guard let next = next(after: event) else { throw DeploymentTransitionError(from: status, event: event) }
        if event == .switched { isLive = true }
        if event == .rolledBack || event == .failed { isLive = false }
        status = next
    }

    private func next(after event: Event) -> DeploymentStatus? {
        switch (status, event) {
        case (.pending, .launched): .starting
        case (.starting, .releaseStarted): .releasing
        case (.starting, .healthy), (.releasing, .healthy): .switching
        case (.switching, .switched) where !isLive: .switching
        case (.switching, .monitorPassed) where isLive: .active
        case (.pending, .failed), (.starting, .failed), (.releasing, .failed): .failed
        case (.switching, .failed): .failed
        case (.switching, .rolledBack) where isLive, (.active, .rolledBack): .rolledBack
        case (.active, .superseded): .superseded
        case (let status, .interrupted) where status.isInProgress: .interrupted
        default: nil
        }
    }
}

public struct DeploymentTransitionError: Error, Equatable, CustomStringConvertible {
    public var from: DeploymentStatus
    public var event: DeploymentMachine.Event

    public var description: String { "a deployment that is \(from.rawValue) cannot take \(event)" }
}
