/// A change of an instance's health, with the probe that caused it.
public struct HealthTransition: Sendable, Equatable {
    public var from: HealthStatus
    public var to: HealthStatus
    public var probe: ProbeResult
    /// Consecutive counted failures at the moment of the change.
    public var failingStreak: Int
    public var at: ContinuousClock.Instant

    public init(from: HealthStatus, to: HealthStatus, probe: ProbeResult, failingStreak: Int, at: ContinuousClock.Instant) {
        self.from = from
        self.to = to
        self.probe = probe
        self.failingStreak = failingStreak
        self.at = at
    }
}
