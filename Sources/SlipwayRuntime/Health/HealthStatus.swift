/// An instance's health, as docker names it.
public enum HealthStatus: String, Sendable, Equatable, CustomStringConvertible {
    /// No success yet, and not (yet) enough counted failures.
    case starting
    case healthy
    case unhealthy

    public var description: String { rawValue }
}
