/// `deploy.update_config` and `deploy.rollback_config`: compose's own words
/// for how a new version replaces the running one (Swarm's; docker compose
/// ignores them outside Swarm, Slipway honours them on `deploy`).
public struct UpdateConfig: Sendable, Equatable, Codable {
    public enum Order: String, Sendable, Equatable, Codable {
        /// Blue-green: the new instance starts, then the old one stops.
        case startFirst = "start-first"
        /// Recreate: the old instance stops, then the new one starts.
        case stopFirst = "stop-first"
    }

    public enum FailureAction: String, Sendable, Equatable, Codable {
        case rollback
        case pause
        case `continue`
    }

    public var order: Order?
    /// How long the new instance is watched after the switch.
    public var monitor: Duration?
    public var failureAction: FailureAction?
    /// Wait between the update of one service and the next.
    public var delay: Duration?

    public init(order: Order? = nil, monitor: Duration? = nil, failureAction: FailureAction? = nil, delay: Duration? = nil) {
        self.order = order
        self.monitor = monitor
        self.failureAction = failureAction
        self.delay = delay
    }
}
