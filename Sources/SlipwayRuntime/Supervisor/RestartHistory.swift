import ComposeKit

/// A service's restarts so far and the backoff before the next one:
/// 100 ms doubling up to 30 s, back to 100 ms after 10 s of running.
struct RestartHistory: Sendable {
    static let firstDelay: Duration = .milliseconds(100)
    static let longestDelay: Duration = .seconds(30)
    static let resetAfter: Duration = .seconds(10)

    /// Restarts done so far (shown as `restarting (N)`).
    private(set) var count = 0
    private var consecutive = 0
    private var healthyAt: ContinuousClock.Instant?

    mutating func markHealthy(at instant: ContinuousClock.Instant) {
        healthyAt = instant
    }

    /// nil when the policy does not restart; `forced` restarts regardless
    /// (an unhealthy instance under `x-slipway.restart_on_unhealthy`).
    mutating func nextDelay(policy service: Service, status: ExitStatus, ranFor duration: Duration, forced: Bool) -> Duration? {
        let healthyLongEnough = healthyAt.map { ContinuousClock.now - $0 >= Self.resetAfter } ?? false
        if healthyLongEnough || duration >= Self.resetAfter { consecutive = 0 }
        healthyAt = nil
        guard forced || wantsRestart(service, status) else { return nil }
        var delay = Self.firstDelay * (1 << min(consecutive, 20))
        delay = min(delay, Self.longestDelay)
        if let configured = service.deployRestartPolicy?.delay, service.restart == .no { delay = max(delay, configured) }
        count += 1
        consecutive += 1
        return delay
    }

    private func wantsRestart(_ service: Service, _ status: ExitStatus) -> Bool {
        switch service.restart {
        case .always, .unlessStopped: return true
        case let .onFailure(maximum): return !status.isSuccess && (maximum.map { count < $0 } ?? true)
        case .no: break
        }
        guard let deploy = service.deployRestartPolicy else { return false }
        if let maximum = deploy.maxAttempts, maximum > 0, count >= maximum { return false }
        switch deploy.condition {
        case .none: return false
        case .onFailure: return !status.isSuccess
        case .any: return true
        }
    }
}
