/// Where a deployment is in its life, stored as its raw text in
/// `deployments.status`. The legal moves are `next`; `DeploymentLog` refuses
/// any other with `DeploymentLogError.illegalTransition`.
///
/// ```
/// pending → starting → releasing → switching → active → superseded
///               └──────────┴──→ switching / active (no release, no proxy)
/// pending, starting, releasing, switching, active → failed | interrupted
/// switching, active → rolled_back
/// ```
public enum DeploymentStatus: String, Sendable, Codable, CaseIterable {
    /// Recorded, nothing started yet.
    case pending
    /// The new instance is starting and being health-checked.
    case starting
    /// The release command (`x-slipway.release`) runs.
    case releasing
    /// The new instance is healthy; the proxy is being moved to it (and the old one drained).
    case switching
    /// The version serving now.
    case active
    /// Replaced by a later deployment that became active.
    case superseded
    /// Did not go live, or failed after it did; `reason` says why.
    case failed
    /// Taken out of service by a rollback to an earlier version.
    case rolledBack = "rolled_back"
    /// The supervisor ended (killed, crashed, stopped) while the deployment was in progress.
    case interrupted

    /// The statuses this one may move to.
    public var next: Set<DeploymentStatus> {
        switch self {
        case .pending: [.starting, .failed, .interrupted]
        case .starting: [.releasing, .switching, .active, .failed, .interrupted]
        case .releasing: [.switching, .active, .failed, .interrupted]
        case .switching: [.active, .rolledBack, .failed, .interrupted]
        case .active: [.superseded, .rolledBack, .failed, .interrupted]
        case .superseded, .failed, .rolledBack, .interrupted: []
        }
    }

    public func canMove(to status: DeploymentStatus) -> Bool {
        next.contains(status)
    }

    /// No move leaves it.
    public var isTerminal: Bool { next.isEmpty }

    /// Work is under way: a supervisor that ends now leaves it `interrupted`.
    /// `active` is neither in progress nor terminal: it is the settled state.
    public var isInProgress: Bool {
        switch self {
        case .pending, .starting, .releasing, .switching: true
        default: false
        }
    }

    /// It ended the deploy: `finished_at` is stamped on the first move into one of these.
    var endsTheDeploy: Bool { self == .active || isTerminal }
}
