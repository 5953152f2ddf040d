/// What to do after an instance ended.
public enum RestartDecision: Sendable, Equatable {
    /// Start it again after `delay`; `attempt` counts restarts (`restarting (N)`).
    case restart(attempt: Int, after: Duration)
    case stayStopped(StayStoppedReason)
}

public enum StayStoppedReason: Sendable, Equatable, CustomStringConvertible {
    /// The user stopped it.
    case stopRequested
    /// `restart: no`, or `on-failure` after a clean exit.
    case policy
    /// `on-failure:N` / `max_attempts` used up.
    case attemptsExhausted(maxAttempts: Int)

    public var description: String {
        switch self {
        case .stopRequested: "stopped on request"
        case .policy: "its restart policy does not restart it"
        case let .attemptsExhausted(maxAttempts): "gave up after \(maxAttempts) restart\(maxAttempts == 1 ? "" : "s")"
        }
    }
}
