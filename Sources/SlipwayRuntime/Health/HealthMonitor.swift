/// Probes one instance for as long as it runs and reports each change of
/// its health on `transitions` (starting → healthy → unhealthy → healthy …).
///
/// The schedule is `HealthTracker`'s: adaptive probes until the first
/// success, then the configured interval. Every probe holds a permit of the
/// project's shared `ProbeLimiter` while it runs. Only services with an
/// active check get a monitor (`HealthCheckPlan(service:primaryPort:)`
/// returns nil for the others). The monitor probes until `stop()`, which the
/// owner calls when the instance ends.
public actor HealthMonitor {
    /// Ends after `stop()`.
    public nonisolated let transitions: AsyncStream<HealthTransition>
    private let continuation: AsyncStream<HealthTransition>.Continuation
    private let probe: HealthProbe
    private let limiter: ProbeLimiter
    private let launchedAt: ContinuousClock.Instant
    private var tracker: HealthTracker
    private var loop: Task<Void, Never>?
    private var stopped = false
    /// Probes run so far.
    public private(set) var probeCount = 0
    public private(set) var lastProbe: ProbeResult?

    /// `launchedAt` is when the instance's process started: the first probe
    /// runs 50 ms after it.
    public init(
        plan: HealthCheckPlan,
        environment: [String: String],
        workingDirectory: String?,
        limiter: ProbeLimiter,
        launchedAt: ContinuousClock.Instant = .now
    ) {
        (transitions, continuation) = AsyncStream.makeStream(of: HealthTransition.self)
        probe = HealthProbe(
            check: plan.check, timeout: plan.timeout, environment: environment, workingDirectory: workingDirectory)
        self.limiter = limiter
        self.launchedAt = launchedAt
        tracker = HealthTracker(plan: plan)
    }

    public var status: HealthStatus { tracker.status }
    /// Consecutive counted failures.
    public var failingStreak: Int { tracker.failingStreak }

    /// Starts probing; a second call, or one after `stop()`, does nothing.
    public func start() {
        guard loop == nil, !stopped else { return }
        loop = Task { await self.probeUntilStopped() }
    }

    /// Stops probing, kills a probe in flight and ends `transitions`; returns
    /// once no probe process of this monitor is left.
    public func stop() async {
        stopped = true
        continuation.finish()
        guard let loop else { return }
        loop.cancel()
        await loop.value
    }

    private func probeUntilStopped() async {
        var delay = tracker.firstProbeDelay - (ContinuousClock.now - launchedAt)
        let probe = self.probe
        while !stopped {
            do {
                try await Task.sleep(for: max(delay, .zero))
                let (started, result) = try await limiter.withPermit { (ContinuousClock.now, await probe.run()) }
                guard !Task.isCancelled else { return }
                delay = record(result, startedAt: started)
            } catch {
                return
            }
        }
    }

    /// Folds a result in, reports a change, returns the delay before the next probe.
    private func record(_ result: ProbeResult, startedAt: ContinuousClock.Instant) -> Duration {
        probeCount += 1
        lastProbe = result
        let before = tracker.status
        if let after = tracker.record(result, startedAt: startedAt - launchedAt) {
            continuation.yield(HealthTransition(
                from: before, to: after, probe: result, failingStreak: tracker.failingStreak, at: .now))
        }
        return tracker.delayBeforeNextProbe(runTime: result.duration, now: .now - launchedAt)
    }
}
