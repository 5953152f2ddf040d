/// Decides, after each exit of a service's instance, whether it restarts and
/// after which delay. A pure value: the caller passes the moment of each
/// exit, so every decision is reproducible without waiting.
public struct RestartPolicyEvaluator: Sendable, Equatable {
    public let rule: RestartRule
    /// Restarts decided so far.
    public private(set) var restartCount = 0
    private var backoff: RestartBackoff
    /// When each restart was decided, kept only while it can still count toward `rule.window`.
    private var recentRestarts: [ContinuousClock.Instant] = []

    public init(rule: RestartRule) {
        self.rule = rule
        backoff = RestartBackoff(base: rule.baseDelay)
    }

    public mutating func decide(after exit: InstanceExit, at now: ContinuousClock.Instant) -> RestartDecision {
        if exit.stopRequested { return .stayStopped(.stopRequested) }
        guard policyRestarts(exit) else { return .stayStopped(.policy) }
        if let maxAttempts = rule.maxAttempts, countedRestarts(at: now) >= maxAttempts {
            return .stayStopped(.attemptsExhausted(maxAttempts: maxAttempts))
        }
        restartCount += 1
        if rule.window != nil { recentRestarts.append(now) }
        return .restart(attempt: restartCount, after: backoff.nextDelay(afterRunning: exit.ranFor))
    }

    private func policyRestarts(_ exit: InstanceExit) -> Bool {
        if exit.cause == .unhealthy { return rule.restartOnUnhealthy }
        switch rule.condition {
        case .never: return false
        case .onFailure: return exit.isFailure
        case .always, .unlessStopped: return true
        }
    }

    private mutating func countedRestarts(at now: ContinuousClock.Instant) -> Int {
        guard let window = rule.window else { return restartCount }
        recentRestarts.removeAll { now - $0 > window }
        return recentRestarts.count
    }
}
