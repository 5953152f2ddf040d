/// The delay before each restart: the base (100 ms, or `deploy.restart_policy.delay`),
/// doubling with every restart up to 30 s (or the base, when larger), back to
/// the base once an instance ran stably for 10 s — docker's restart manager,
/// with Slipway's lower cap.
public struct RestartBackoff: Sendable, Equatable {
    public static let ceiling: Duration = .seconds(30)
    public static let stableRun: Duration = .seconds(10)

    public let base: Duration
    private var previous: Duration?

    public init(base: Duration = RestartRule.defaultBaseDelay) {
        self.base = base
    }

    /// The delay for the next restart, after a run that lasted `ranFor`.
    public mutating func nextDelay(afterRunning ranFor: Duration) -> Duration {
        if ranFor >= Self.stableRun { previous = nil }
        let delay = previous.map { min($0 * 2, max(Self.ceiling, base)) } ?? base
        previous = delay
        return delay
    }
}
