/// Probes one instance for as long as it runs and reports each change of
/// its health on `transitions` (starting → healthy → unhealthy → healthy …).
///
/// The schedule is `HealthTracker`'s: adaptive probes until the first
/// success, then the configured interval. With a `ListenTarget`, a probe also
/// runs the moment one of the instance's ports starts listening (the
/// schedule goes on beside it, for probes that fail at first and checks that
/// do not depend on the port); the listen watch is left at the first
/// success. Ports the instance's processes listen on besides their own are
/// reported on `foreignPorts`. Every probe holds a permit of the
/// project's shared `ProbeLimiter` while it runs. Only services with an
/// active check get a monitor (`HealthCheckPlan(service:primaryPort:)`
/// returns nil for the others). The monitor probes until `stop()`, which the
/// owner calls when the instance ends.
public actor HealthMonitor {
    /// Ends after `stop()`.
    public nonisolated let transitions: AsyncStream<HealthTransition>
    private let continuation: AsyncStream<HealthTransition>.Continuation
    /// The count of consecutive counted failures each time it changes (back
    /// to 0 after a success), for a deploy's monitor window; ends after `stop()`.
    public nonisolated let failingStreaks: AsyncStream<Int>
    private let streakContinuation: AsyncStream<Int>.Continuation
    /// Ports the instance listens on that are not its own; ends after `stop()`.
    public nonisolated let foreignPorts: AsyncStream<Int>
    private let foreignContinuation: AsyncStream<Int>.Continuation
    private let listenTarget: ListenTarget?
    private var registration: ListenWatch.Registration?
    /// The pause before the next probe, which a port starting to listen cuts short.
    private var pause: CheckedContinuation<Void, Never>?
    private var pauseGeneration: UInt64 = 0
    /// A port started listening while a probe ran: the next one runs at once.
    private var listenedDuringProbe = false
    private let probe: HealthProbe
    private let limiter: ProbeLimiter
    private let launchedAt: ContinuousClock.Instant
    private var tracker: HealthTracker
    private var loop: Task<Void, Never>?
    private var stopped = false
    /// Probes run so far.
    public private(set) var probeCount = 0
    public private(set) var lastProbe: ProbeResult?
    /// The instance's ports seen listening, in order.
    public private(set) var portsSeenListening: [Int] = []

    /// `launchedAt` is when the instance's process started: the first probe
    /// runs 50 ms after it.
    public init(
        plan: HealthCheckPlan,
        environment: [String: String],
        workingDirectory: String?,
        limiter: ProbeLimiter,
        launchedAt: ContinuousClock.Instant = .now,
        listen: ListenTarget? = nil
    ) {
        (transitions, continuation) = AsyncStream.makeStream(of: HealthTransition.self)
        (foreignPorts, foreignContinuation) = AsyncStream.makeStream(of: Int.self)
        (failingStreaks, streakContinuation) = AsyncStream.makeStream(of: Int.self)
        listenTarget = listen.flatMap { $0.ports.isEmpty ? nil : $0 }
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
        if let target = listenTarget {
            let prepare = target.prepare
            registration = target.watch.watch(ports: target.ports, processTree: target.processTree) { [weak self] event in
                Task {
                    if case let .listening(port) = event { await prepare?(port) }
                    await self?.received(event)
                }
            }
        }
        loop = Task { await self.probeUntilStopped() }
    }

    /// Stops probing, kills a probe in flight and ends `transitions`; returns
    /// once no probe process of this monitor is left.
    public func stop() async {
        stopped = true
        endListenWatch()
        continuation.finish()
        foreignContinuation.finish()
        streakContinuation.finish()
        guard let loop else { return }
        loop.cancel()
        await loop.value
    }

    private func probeUntilStopped() async {
        var delay = tracker.firstProbeDelay - (ContinuousClock.now - launchedAt)
        let probe = self.probe
        while !stopped {
            do {
                try await pause(for: delay)
                let (started, result) = try await limiter.withPermit { (ContinuousClock.now, await probe.run()) }
                guard !Task.isCancelled else { return }
                delay = record(result, startedAt: started)
            } catch {
                return
            }
        }
    }

    /// Waits `delay`, or less when a port starts listening meanwhile.
    private func pause(for delay: Duration) async throws {
        if listenedDuringProbe {
            listenedDuringProbe = false
            return
        }
        guard delay > .zero else { return }
        guard registration != nil else { return try await Task.sleep(for: delay) }
        pauseGeneration += 1
        let generation = pauseGeneration
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: delay)) != nil else { return }
            await self?.endPause(generation)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { pause = $0 }
        } onCancel: {
            Task { await self.endPause(nil) }
        }
        timer.cancel()
        try Task.checkCancellation()
    }

    /// Resumes the pause numbered `generation` (any pause when nil).
    private func endPause(_ generation: UInt64?) {
        guard let pause, generation == nil || generation == pauseGeneration else { return }
        self.pause = nil
        pause.resume()
    }

    private func received(_ event: ListenEvent) {
        guard !stopped, registration != nil else { return }
        switch event {
        case let .listening(port):
            portsSeenListening.append(port)
            if pause != nil { endPause(nil) } else { listenedDuringProbe = true }
        case let .foreignPort(port):
            foreignContinuation.yield(port)
        }
    }

    private func endListenWatch() {
        guard let registration, let target = listenTarget else { return }
        target.watch.cancel(registration)
        self.registration = nil
        listenedDuringProbe = false
    }

    /// Folds a result in, reports a change, returns the delay before the next probe.
    private func record(_ result: ProbeResult, startedAt: ContinuousClock.Instant) -> Duration {
        probeCount += 1
        lastProbe = result
        let before = tracker.status
        let streakBefore = tracker.failingStreak
        defer { if tracker.failingStreak != streakBefore { streakContinuation.yield(tracker.failingStreak) } }
        if let after = tracker.record(result, startedAt: startedAt - launchedAt) {
            if after == .healthy { endListenWatch() }
            continuation.yield(HealthTransition(
                from: before, to: after, probe: result, failingStreak: tracker.failingStreak, at: .now))
        }
        return tracker.delayBeforeNextProbe(runTime: result.duration, now: .now - launchedAt)
    }
}
