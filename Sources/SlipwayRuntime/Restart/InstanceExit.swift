/// Why an instance stopped running, as the restart policy needs to know it.
public struct InstanceExit: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// The process ended: its exit code, or 128 + signal when killed.
        case exited(code: Int32)
        /// The supervisor stopped it for being unhealthy (`restart_on_unhealthy`).
        case unhealthy
    }

    public var cause: Cause
    /// The user asked for the stop (`stop`, `down`, Ctrl-C): never restarted.
    public var stopRequested: Bool
    /// How long it ran stably before ending: for a service with a health
    /// check, how long it was healthy; otherwise how long it ran.
    public var ranFor: Duration

    public init(cause: Cause, stopRequested: Bool = false, ranFor: Duration) {
        self.cause = cause
        self.stopRequested = stopRequested
        self.ranFor = ranFor
    }

    public var isFailure: Bool { cause != .exited(code: 0) }
}
