import SlipwayShim
/// One step of a service's life, for progress lines (and later the control API).
public struct ServiceEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case starting
        case started
        case healthy
        case unhealthy(reason: String)
        /// Exited 0 and will not be restarted (one-shots such as migrations).
        case completed
        case exited(ExitStatus)
        /// The restart policy starts it again after `delay`; `attempt` counts from 1.
        case restarting(attempt: Int, delay: Duration)
        case failedToStart(reason: String)
        case stopping
        case stopped
        case warning(String)
    }

    public var service: String
    public var kind: Kind
    /// Time since this service's bring-up (or stop) began.
    public var elapsed: Duration

    public init(service: String, kind: Kind, elapsed: Duration) {
        self.service = service
        self.kind = kind
        self.elapsed = elapsed
    }
}
