/// Compose's health state machine plus Slipway's adaptive first probes, as a
/// pure value: it folds probe results (stamped with their start, measured
/// from the instance's launch) into a status and says when to probe next.
///
/// Compose semantics: during `start_period` failures do not count and the
/// first success ends it; `retries` consecutive counted failures make the
/// instance unhealthy; one success makes it healthy again.
///
/// Adaptive probing: until the first success the instance is probed much
/// more often than compose would (50 ms after launch, then ×1.5 up to
/// 500 ms, never closer than twice the probe's own run time, never sparser
/// than compose's own spacing), so readiness is seen almost at once. Those
/// extra probes must not make a slow starter unhealthy sooner than docker
/// would: while starting, a failure only counts once compose's schedule
/// would have run a probe (at the end of `start_period`, or one `interval`
/// after launch without one, then one per `interval`). Adaptive probing ends
/// at the first success or when the instance turns unhealthy; after that
/// probes run `interval` apart.
struct HealthTracker {
    static let firstAdaptiveDelay: Duration = .milliseconds(50)
    static let adaptiveCeiling: Duration = .milliseconds(500)

    let plan: HealthCheckPlan
    private(set) var status: HealthStatus = .starting
    private(set) var failingStreak = 0
    /// Start-to-start spacing of the next adaptive probe; nil once adaptive probing ended.
    private(set) var adaptiveSpacing: Duration? = HealthTracker.firstAdaptiveDelay
    /// While starting, the earliest probe start at which a failure counts.
    private var nextCountedFailure: Duration

    init(plan: HealthCheckPlan) {
        self.plan = plan
        nextCountedFailure = plan.startPeriod > .zero ? plan.startPeriod : plan.interval
    }

    /// When the first probe runs, measured from launch.
    var firstProbeDelay: Duration { min(Self.firstAdaptiveDelay, composeSpacing(at: .zero)) }

    /// Folds in one probe that started `startedAt` after launch; returns the
    /// new status when it changed.
    mutating func record(_ result: ProbeResult, startedAt: Duration) -> HealthStatus? {
        let before = status
        if result.isHealthy {
            status = .healthy
            failingStreak = 0
            adaptiveSpacing = nil
        } else if status != .starting || startedAt >= nextCountedFailure {
            failingStreak += 1
            nextCountedFailure = startedAt + plan.interval
            if failingStreak >= plan.retries {
                status = .unhealthy
                adaptiveSpacing = nil
            }
        }
        if let spacing = adaptiveSpacing {
            adaptiveSpacing = min(spacing * 3 / 2, Self.adaptiveCeiling)
        }
        return status == before ? nil : status
    }

    /// How long to wait, after a probe that ran `runTime` and ended `now`
    /// after launch, before the next probe starts.
    func delayBeforeNextProbe(runTime: Duration, now: Duration) -> Duration {
        guard let spacing = adaptiveSpacing else { return plan.interval }
        let gap = min(max(spacing, runTime * 2), composeSpacing(at: now))
        return max(gap - runTime, .zero)
    }

    /// The spacing compose itself would use at this moment.
    private func composeSpacing(at moment: Duration) -> Duration {
        status == .starting && moment < plan.startPeriod ? plan.startInterval : plan.interval
    }
}
