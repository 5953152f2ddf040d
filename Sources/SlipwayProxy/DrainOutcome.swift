/// How a drain ended.
public enum DrainOutcome: Sendable, Equatable {
    /// The instance carries no more connections or requests.
    case drained
    /// The timeout passed first; this many connections that still carried the instance's traffic were closed.
    case timedOut(closedConnections: Int)
}
