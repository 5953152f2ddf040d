import ComposeKit
import Foundation
import Glibc
import SlipwayProxy
import SlipwayStore

/// Owns one service for the life of the supervisor: the set of its
/// instances (`ServiceInstance`), which of them the proxy routes to, and its
/// deployments. Starts, stops, restarts and deploys run one at a time, so
/// two requests can never run two lifecycles or undo each other.
actor ServiceRunner {
    nonisolated let name: String
    /// The definition the current instance runs; a deploy replaces it.
    private(set) var service: Service
    private let context: RunContext
    let log: ServiceLog
    private var instances: [ServiceInstance] = []
    /// The instance whose facts answer `depends_on` and `ps` first.
    private var current: ServiceInstance?
    /// The instance the proxy routes to while it runs (services with ports).
    private var serving: ServiceInstance?
    private var nextNumber = 1
    /// Stopped on request: a start that was waiting for dependencies does nothing.
    private var halted = false
    private var busy = false
    private var queued: [CheckedContinuation<Void, Never>] = []
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var routing: Task<Void, Never>?
    /// The instance the listeners fall back to when the routed one refuses (the warm previous
    /// version after a switch), so a crash of the new version loses no request (docs/deploy.md).
    private var routedFallback: ServiceInstance?
    /// What the listeners route to, as last asked.
    private var routed: (instance: ServiceInstance?, ports: [Int: Int]) = (nil, [:])
    /// The previous instance kept warm after a deploy, and its end.
    private var kept: (instance: ServiceInstance, expiry: Task<Void, Never>)?
    /// The deployment now serving, and its monitor window; the log moves
    /// the one before it out when it turns active.
    private var deployment: DeploymentRun?
    private var monitor: Task<Void, Never>?
    /// The definition that served before the last switch: what an automatic rollback restores.
    private var previousService: Service?
    /// A deploy stopped before its switch by `--preview`.
    private var preview: PreviewedDeploy?
    /// The last lines of the new instance of the last failed deploy.
    private var lastFailedLines: [String] = []

    init(service: Service, context: RunContext, log: ServiceLog) {
        name = service.name
        self.service = service
        self.context = context
        self.log = log
    }

    // MARK: - Control

    /// Starts the first instance; returns once it runs or could not start.
    func start() async {
        await exclusively {
            guard current == nil, !halted else { return }
            await launch(service, source: .up)
        }
    }

    /// Starts the service again after it ended or was stopped (the control
    /// API's `start`); false when it runs, or still waits for its dependencies.
    func startAgain() async -> Bool {
        await exclusively {
            if let current, await current.isLive { return false }
            guard current != nil || halted else { return false }
            halted = false
            await launch(service, source: .up)
            return await self.current?.facts.launched ?? false
        }
    }

    /// Stops every instance (stop_signal, then SIGKILL after the grace
    /// period, or after `timeout`) and any restart or deploy in progress;
    /// returns once their processes are gone.
    func stop(timeout: Duration? = nil) async {
        halted = true
        changed()
        await discardPreview(because: "the service was stopped")
        // The version that served until now is the one the log calls active.
        await finishMonitorEarly()
        endKept()
        await stopAll(timeout: timeout)
        // A start or deploy that held the turn may have made an instance since.
        await exclusively { await stopAll(timeout: timeout) }
    }

    private func stopAll(timeout: Duration?) async {
        let all = instances
        await withTaskGroup(of: Void.self) { group in
            for instance in all { group.addTask { await instance.stop(timeout: timeout) } }
        }
    }

    /// SIGKILL to every instance's group, for a forced stop.
    func kill() async {
        halted = true
        for instance in instances { await instance.kill() }
    }

    /// One signal to the serving instance (`slipway kill`); false when nothing runs.
    func signal(_ number: Int32) async -> Bool {
        guard let instance = serving ?? current else { return false }
        return await instance.signal(number)
    }

    /// SIGSTOP to the serving instance's group (`slipway pause`); false when nothing runs.
    func pause() async -> Bool {
        guard let instance = serving ?? current else { return false }
        return await instance.pause()
    }

    /// SIGCONT to the serving instance's group (`slipway unpause`); false when it is not paused.
    func resume() async -> Bool {
        guard let instance = serving ?? current else { return false }
        return await instance.resume()
    }

    /// Restarts the service. With a proxy in front it is a deploy of the same
    /// definition: the new instance takes traffic only once it is ready, so no
    /// request meets a process that does not listen yet. Returns why it failed.
    func restart(timeout: Duration?) async -> String? {
        await exclusively {
            guard let blue = current, await blue.isLive, DeployPlan(service: service).strategy == .blueGreen else {
                await stopAll(timeout: timeout)
                halted = false
                await launch(service, source: .up)
                return await current?.facts.launchFailure
            }
            var run = DeploymentRun(
                snapshot: DeploymentSnapshot(service), source: .deploy, previous: deployment?.id, journal: nil,
                progress: { _ in })
            return await replaceBlueGreen(
                blue, with: service, plan: DeployPlan(service: service), keep: .zero, run: &run, stopTimeout: timeout)
        }
    }

    /// Waits until `condition` is met or can no longer be met (or the caller is cancelled).
    func verdict(for condition: Dependency.Condition) async -> ServiceFacts.Verdict {
        while current == nil, !halted, !Task.isCancelled { await nextChange() }
        guard let current else { return .failed(reason: "was stopped") }
        return await current.verdict(for: condition)
    }

    /// Why the current instance could not start, if it could not.
    func launchFailure() async -> String? {
        await current?.facts.launchFailure
    }

    func currentFacts() async -> ServiceFacts? {
        await current?.facts
    }

    /// Returns once no instance runs and none will be started again.
    func waitUntilFinished() async {
        while true {
            let all = instances
            for instance in all { await instance.waitUntilFinished() }
            if instances.count == all.count { return }
        }
    }

    /// A warning about the service as a whole: on the terminal and in its log file.
    func warn(_ message: String) {
        let event = ServiceEvent(service: name, kind: .warning(message), elapsed: .zero)
        if let line = ProgressLine(nameWidth: 0, colours: false).render(event) { log.note(line) }
        context.events.yield(event)
    }

    /// `depends_on.<dependency>.restart: true`.
    func restart(becauseOf dependency: String) async {
        guard !halted, let current else { return }
        await current.restart(becauseOf: dependency)
    }

    // MARK: - Status

    /// Every instance as `ps` shows it (`web-1`, and `web-2` during a deploy);
    /// `publishers` are the proxy's listeners, shown on the serving one.
    func status(project: String, publishers: [PortPublisher]) async -> [InstanceStatus] {
        guard !instances.isEmpty else {
            return [InstanceStatus(
                name: "\(project)-\(name)-\(nextNumber)", service: name, image: service.image ?? "",
                command: CommandDisplay.text(for: service),
                state: halted ? .stopped : .created, publishers: publishers)]
        }
        var result: [InstanceStatus] = []
        for instance in instances {
            let shown = instance === (serving ?? current) ? publishers : []
            result.append(await instance.status(project: project, publishers: shown))
        }
        return result
    }

    // MARK: - Deploy

    /// Replaces the running version with `next` as its deploy plan says;
    /// reports every step through `progress`. Before the switch a failure
    /// changes nothing: the new instance is stopped and the old one never
    /// stopped serving.
    func deploy(
        _ next: Service, source: DeploymentSource, preview wanted: Bool = false, forcedHealthFailure: String? = nil,
        progress: @escaping @Sendable (DeployProgress) -> Void
    ) async -> DeployReport.Entry {
        await exclusively {
            await finishMonitorEarly()
            await discardPreview(because: "a newer deploy replaced it")
            var run = DeploymentRun(
                snapshot: DeploymentSnapshot(next), source: source, previous: deployment?.id, journal: context.journal,
                progress: progress)
            run.forcedHealthFailure = forcedHealthFailure
            if wanted { return await beginPreview(of: next, run: run) }
            return await replace(with: next, plan: DeployPlan(service: next), run: run)
        }
    }

    // MARK: - Preview

    /// `deploy --preview`: green is started and checked as in a deploy, then
    /// answers on a preview port of its own while blue keeps the traffic.
    private func beginPreview(of next: Service, run initial: DeploymentRun) async -> DeployReport.Entry {
        var run = initial
        let plan = DeployPlan(service: next)
        guard let blue = current, await blue.isLive, plan.strategy == .blueGreen, let target = next.containerPorts.first else {
            let reason = await fail(&run, reason: "a preview needs the service running, with ports and deployed blue-green", green: nil)
            return DeployReport.Entry(service: name, outcome: .failed, deploymentID: run.id, reason: reason)
        }
        guard next.containerPorts == service.containerPorts else {
            let reason = await fail(&run, reason: "its container ports changed; run `slipway down` and `up` to change them", green: nil)
            return DeployReport.Entry(service: name, outcome: .failed, deploymentID: run.id, reason: reason)
        }
        let green = makeInstance(next)
        if let failure = await prepare(green, plan: plan, run: &run) {
            return DeployReport.Entry(service: name, outcome: .failed, deploymentID: run.id, reason: failure, lastLines: lastFailedLines)
        }
        run.handle(.healthy)
        run.step(.healthy, instance: green.id)
        let address: String
        do {
            address = try await openPreview(of: green, target: target)
        } catch {
            let reason = await fail(&run, reason: "the preview port could not be opened: \(error)", green: green)
            return DeployReport.Entry(service: name, outcome: .failed, deploymentID: run.id, reason: reason)
        }
        run.step(.previewing, instance: green.id, "on \(address)")
        preview = PreviewedDeploy(green: green, blue: blue, next: next, plan: plan, run: run, address: address)
        return DeployReport.Entry(service: name, outcome: .previewing, deploymentID: run.id, previewAddress: address)
    }

    /// A listener on a free loopback port, in the mode of the service's own, routed to green alone.
    private func openPreview(of green: ServiceInstance, target: Int) async throws -> String {
        var mode = ProxyMode.tcp
        if let own = context.endpoints.listeners[name]?[target]?.first, let listener = await context.proxy.listener(for: own) {
            mode = listener.mode
        }
        let key = PreviewedDeploy.listenerKey(service: name, target: target)
        let listener = try await context.proxy.addListener(ListenerConfig(key: key, port: 0, mode: mode, serviceName: name))
        do {
            guard let port = await green.privatePorts[target] else { throw PreviewedDeploy.NoPrivatePort(target: target) }
            _ = try await context.proxy.setUpstream(Upstream(instance: green.id, port: port), for: key)
        } catch {
            await context.proxy.removeListener(key)
            throw error
        }
        return "127.0.0.1:\(listener.boundPort)"
    }

    /// `slipway promote`: the previewed green takes the traffic, as a deploy's switch.
    func promote(progress: @escaping @Sendable (DeployProgress) -> Void) async -> DeployReport.Entry {
        await exclusively {
            guard var previewed = preview else {
                return DeployReport.Entry(service: name, outcome: .failed, reason: "\(name) has no deploy waiting in preview")
            }
            preview = nil
            await context.proxy.removeListener(previewed.listenerKey)
            previewed.run.report(to: progress)
            guard await previewed.green.isLive, await previewed.blue.isLive else {
                let reason = await fail(&previewed.run, reason: "the previewed instance or the serving one ended", green: previewed.green)
                return DeployReport.Entry(service: name, outcome: .failed, deploymentID: previewed.run.id, reason: reason)
            }
            await switchTraffic(
                from: previewed.blue, to: previewed.green, next: previewed.next, plan: previewed.plan,
                keep: previewed.plan.keepPrevious, run: &previewed.run, stopTimeout: nil)
            previewed.run.step(.live, instance: previewed.green.id)
            beginMonitor(previewed.run, plan: previewed.plan)
            return DeployReport.Entry(service: name, outcome: .deployed, deploymentID: previewed.run.id)
        }
    }

    /// `slipway abort`: the previewed green is stopped; blue never stopped serving.
    func abort(progress: @escaping @Sendable (DeployProgress) -> Void) async -> DeployReport.Entry {
        await exclusively {
            guard let id = preview?.run.id else {
                return DeployReport.Entry(service: name, outcome: .failed, reason: "\(name) has no deploy waiting in preview")
            }
            await discardPreview(because: "aborted by `slipway abort`", progress: progress)
            return DeployReport.Entry(service: name, outcome: .aborted, deploymentID: id)
        }
    }

    private func discardPreview(because reason: String, progress: (@Sendable (DeployProgress) -> Void)? = nil) async {
        guard var previewed = preview else { return }
        preview = nil
        await context.proxy.removeListener(previewed.listenerKey)
        if let progress { previewed.run.report(to: progress) }
        _ = await fail(&previewed.run, reason: reason, green: previewed.green)
    }

    /// The deployment serving now (or the last one begun), as the log numbers it.
    var deploymentID: Int64? { deployment?.id }

    /// `slipway rollback`: `target` (an earlier deployment's definition)
    /// replaces the running version through the deploy path, under
    /// `deploy.rollback_config`; a previous instance still kept warm with
    /// that definition takes traffic back at once.
    func rollback(
        to target: Service, progress: @escaping @Sendable (DeployProgress) -> Void
    ) async -> DeployReport.Entry {
        await exclusively {
            await finishMonitorEarly()
            let run = DeploymentRun(
                snapshot: DeploymentSnapshot(target), source: .rollback, previous: deployment?.id,
                rollbackOf: deployment?.id, journal: context.journal, progress: progress)
            return await replace(with: target, plan: DeployPlan(rollbackTo: target, from: service), run: run)
        }
    }

    /// Replaces whatever runs with `next` as `plan` says; on success the new
    /// version is live and its monitor window begins.
    private func replace(with next: Service, plan: DeployPlan, run initial: DeploymentRun) async -> DeployReport.Entry {
        var run = initial
        let unsettled = deployment
        halted = false
        let failure: String?
        if let blue = current, await blue.isLive {
            switch plan.strategy {
            case .blueGreen:
                failure = await replaceBlueGreen(blue, with: next, plan: plan, keep: plan.keepPrevious, run: &run, stopTimeout: nil)
            case .startThenStop: failure = await replaceStartFirst(blue, with: next, plan: plan, run: &run)
            case .recreate: failure = await recreate(blue, with: next, plan: plan, run: &run)
            }
        } else {
            failure = await bringUpNew(next, plan: plan, run: &run)
        }
        guard let failure else {
            run.step(.live, instance: (serving ?? current)?.id ?? "")
            if run.source != .autoRollback { close(unsettled, replacedBy: run) }
            beginMonitor(run, plan: plan)
            return DeployReport.Entry(service: name, outcome: .deployed, deploymentID: run.id)
        }
        return DeployReport.Entry(
            service: name, outcome: .failed, deploymentID: run.id, reason: failure, lastLines: lastFailedLines)
    }

    private func replaceBlueGreen(
        _ blue: ServiceInstance, with next: Service, plan: DeployPlan, keep: Duration, run: inout DeploymentRun,
        stopTimeout: Duration?
    ) async -> String? {
        guard next.containerPorts == service.containerPorts else {
            return await fail(&run, reason: "its container ports changed; run `slipway down` and `up` to change them", green: nil)
        }
        let green = await takeKept(runningAs: next) ?? makeInstance(next)
        if let failure = await prepare(green, plan: plan, run: &run) { return failure }
        run.handle(.healthy)
        run.step(.healthy, instance: green.id)
        await switchTraffic(from: blue, to: green, next: next, plan: plan, keep: keep, run: &run, stopTimeout: stopTimeout)
        return nil
    }

    /// Moves every listener of the service to green, drains blue and keeps
    /// it warm for `keep` (or stops it).
    private func switchTraffic(
        from blue: ServiceInstance, to green: ServiceInstance, next: Service, plan: DeployPlan, keep: Duration,
        run: inout DeploymentRun, stopTimeout: Duration?
    ) async {
        let switchBegan = ContinuousClock.now
        serving = green
        current = green
        previousService = service
        service = next
        await route(to: green, ports: await green.privatePorts, fallback: keep > .zero ? blue : nil)
        let switchTime = ContinuousClock.now - switchBegan
        run.handle(.switched)
        run.step(.switched, instance: green.id, "traffic moved in \(Self.milliseconds(switchTime)) ms", measured: switchTime)
        changed()
        run.step(.draining, instance: blue.id)
        let drained = await context.proxy.drain(instance: blue.id, timeout: plan.drain)
        switch drained {
        case .drained: run.step(.drained, instance: blue.id)
        case let .timedOut(closed): run.step(.drained, instance: blue.id, "drain timed out; closed \(closed) connections")
        }
        await retire(blue, keep: keep, run: run, stopTimeout: stopTimeout)
    }

    private func replaceStartFirst(
        _ blue: ServiceInstance, with next: Service, plan: DeployPlan, run: inout DeploymentRun
    ) async -> String? {
        let green = makeInstance(next)
        if let failure = await prepare(green, plan: plan, run: &run) { return failure }
        run.handle(.healthy)
        run.step(.healthy, instance: green.id)
        current = green
        previousService = service
        service = next
        run.handle(.switched)
        changed()
        await retire(blue, keep: .zero, run: run, stopTimeout: nil)
        return nil
    }

    /// Stop-first: the old instance is gone before the new one starts, so a
    /// failure leaves the service stopped (docs/deploy.md).
    private func recreate(_ blue: ServiceInstance, with next: Service, plan: DeployPlan, run: inout DeploymentRun) async -> String? {
        run.step(.stoppingPrevious, instance: blue.id)
        await blue.stop()
        forget(blue)
        run.step(.stoppedPrevious, instance: blue.id)
        return await bringUpNew(next, plan: plan, run: &run)
    }

    /// A service with nothing running: its new instance starts and takes traffic at launch.
    private func bringUpNew(_ next: Service, plan: DeployPlan, run: inout DeploymentRun) async -> String? {
        let green = await takeKept(runningAs: next) ?? makeInstance(next)
        serving = next.containerPorts.isEmpty ? nil : green
        current = green
        if service != next { previousService = service }
        service = next
        if let failure = await prepare(green, plan: plan, run: &run) { return failure }
        run.handle(.healthy)
        run.step(.healthy, instance: green.id)
        // A fresh instance was routed at its launch; a warm one taken back
        // (a rollback) is routed here. Either way the log stamps the switch.
        if serving === green {
            let switchBegan = ContinuousClock.now
            await route(to: green, ports: await green.privatePorts)
            let switchTime = ContinuousClock.now - switchBegan
            run.step(.switched, instance: green.id, "traffic moved in \(Self.milliseconds(switchTime)) ms", measured: switchTime)
        }
        run.handle(.switched)
        return nil
    }

    /// Launches green, runs the release command, waits until green is
    /// ready; on a failure stops green and returns why.
    private func prepare(_ green: ServiceInstance, plan: DeployPlan, run: inout DeploymentRun) async -> String? {
        run.step(.starting, instance: green.id)
        await green.start()
        if halted { return await fail(&run, reason: "the service was stopped during the deploy", green: green) }
        if let failure = await green.facts.launchFailure {
            return await fail(&run, reason: "could not start: \(failure)", green: green)
        }
        run.handle(.launched)
        run.step(.started, instance: green.id)
        if let release = plan.release {
            run.handle(.releaseStarted)
            run.step(.releasing, instance: green.id)
            let outcome = await ReleaseCommand(command: release, service: green.service, shimExecutable: context.shimExecutable).run(environment: await green.environment)
            if let failure = outcome.failure {
                run.note(.release, failure)
                return await fail(&run, reason: "its release command \(failure)", green: green, lastLines: outcome.output)
            }
            run.step(.released, instance: green.id, outcome.summary)
        }
        if let forced = run.forcedHealthFailure {
            run.note(.health, forced)
            return await fail(&run, reason: "the new instance is unhealthy: \(forced)", green: green)
        }
        let readiness = await green.waitReady(within: plan.readyBudget)
        if halted { return await fail(&run, reason: "the service was stopped during the deploy", green: green) }
        if case let .failed(reason) = readiness {
            run.note(.health, reason)
            return await fail(&run, reason: "the new instance \(reason)", green: green)
        }
        run.note(.health, "ready")
        return nil
    }

    /// Stops a green that failed (forgotten unless it is all the service
    /// has, so `ps -a` shows how it ended) and records why.
    private func fail(
        _ run: inout DeploymentRun, reason: String, green: ServiceInstance?, lastLines: [String]? = nil
    ) async -> String {
        lastFailedLines = lastLines ?? green?.output.lastLines ?? []
        if !lastFailedLines.isEmpty { run.note(.note, "last lines of the new instance:\n" + lastFailedLines.joined(separator: "\n")) }
        if let green {
            await green.stop()
            if green !== current { forget(green) }
        }
        run.handle(.failed, reason: reason)
        run.step(.failed, instance: green?.id ?? "", reason)
        return reason
    }

    /// After the switch: the previous instance is kept warm for an instant
    /// rollback for `keep` (`keep_previous`), then stopped; 0 stops it now.
    private func retire(_ blue: ServiceInstance, keep: Duration, run: DeploymentRun, stopTimeout: Duration?) async {
        if let kept { endKept(kept) }
        guard keep > .zero else {
            run.step(.stoppingPrevious, instance: blue.id)
            await blue.stop(timeout: stopTimeout)
            forget(blue)
            run.step(.stoppedPrevious, instance: blue.id)
            return
        }
        run.step(.keptPrevious, instance: blue.id, "warm for \(ProgressLine.format(keep))")
        let expiry = Task {
            guard (try? await Task.sleep(for: keep)) != nil else { return }
            await self.expireKept(blue)
        }
        kept = (blue, expiry)
    }

    private func expireKept(_ blue: ServiceInstance) async {
        guard let kept, kept.instance === blue else { return }
        self.kept = nil
        await withdrawFallback(blue)
        await blue.stop()
        forget(blue)
    }

    private func endKept(_ kept: (instance: ServiceInstance, expiry: Task<Void, Never>)) {
        kept.expiry.cancel()
        self.kept = nil
        Task {
            await self.withdrawFallback(kept.instance)
            await kept.instance.stop()
            await self.forget(kept.instance)
        }
    }

    /// `instance` is about to stop: no listener may fall back to its port, which the next
    /// instance to start could be given.
    private func withdrawFallback(_ instance: ServiceInstance) async {
        guard routedFallback === instance else { return }
        await route(to: routed.instance, ports: routed.ports)
    }

    private func endKept() {
        if let kept { endKept(kept) }
    }

    /// A deployment still `switching` when a newer one went live (its window
    /// paused by `failure_action: pause`) never became active: a rollback
    /// takes it back, a deploy replaces it.
    private func close(_ unsettled: DeploymentRun?, replacedBy run: DeploymentRun) {
        guard var unsettled, unsettled.id != run.id, unsettled.machine.status == .switching else { return }
        let by = run.id.map { "deployment \($0)" } ?? "a newer deployment"
        if run.source == .rollback {
            unsettled.handle(.rolledBack, reason: "rolled back by \(by)")
        } else {
            unsettled.handle(.failed, reason: "replaced by \(by) before its monitor window passed")
        }
    }

    /// The previous instance kept warm, when it runs `definition` and never
    /// crashed: a rollback to it needs no new process.
    private func takeKept(runningAs definition: Service) async -> ServiceInstance? {
        // Compared as the log does, by snapshot: a definition read back from
        // the log need not equal the running one field for field.
        guard let kept, DeploymentSnapshot(kept.instance.service).hash == DeploymentSnapshot(definition).hash,
              await kept.instance.isLive,
              await kept.instance.facts.lastExit == nil
        else { return nil }
        kept.expiry.cancel()
        self.kept = nil
        return kept.instance
    }

    /// Watches the new instance for the monitor window: a crash, or
    /// `rollback_after_failures` failed checks in a row, is handled as
    /// `failure_action` says; a window that passes makes the deployment
    /// active (and, in the log, the one it replaces superseded or rolled back).
    private func beginMonitor(_ run: DeploymentRun, plan: DeployPlan) {
        deployment = run
        let watched = current
        let began = ContinuousClock.now
        monitor = Task {
            if let trouble = await Self.firstTrouble(of: watched, plan: plan), !Task.isCancelled {
                guard await self.monitorFailed(run.id, after: trouble, plan: plan) else { return }
                try? await Task.sleep(until: began + plan.monitor)
            }
            guard !Task.isCancelled else { return }
            await self.settle(cutShort: false)
        }
    }

    /// Why `instance` went bad inside the monitor window; nil when the window passed first.
    private static func firstTrouble(of instance: ServiceInstance?, plan: DeployPlan) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                try? await Task.sleep(for: plan.monitor)
                return nil
            }
            if let instance {
                group.addTask { await instance.waitForTrouble(failures: plan.failuresBeforeRollback) }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The new version failed inside its window. Returns true when the
    /// window goes on (`failure_action: continue`).
    private func monitorFailed(_ id: Int64?, after trouble: String, plan: DeployPlan) async -> Bool {
        await exclusively {
            guard var run = deployment, run.id == id, run.machine.status == .switching else { return false }
            let detected = ContinuousClock.now
            run.note(.health, "after the switch the new instance \(trouble)")
            switch plan.failureAction {
            case .continue:
                run.note(.note, "failure_action continue: the new version keeps serving")
                deployment = run
                return true
            case .pause:
                monitor = nil
                run.note(.note, "failure_action pause: the new version keeps serving until `slipway rollback` or the next deploy")
                keepPreviousUntilDecided()
                deployment = run
                return false
            case .rollback:
                monitor = nil
                await rollBack(&run, because: trouble, detectedAt: detected)
                return false
            }
        }
    }

    /// `failure_action: pause`: the previous instance stays warm for the user's decision.
    private func keepPreviousUntilDecided() {
        guard let kept else { return }
        kept.expiry.cancel()
        self.kept = (kept.instance, Task {})
    }

    /// Restores the version that served before the switch (the warm
    /// previous instance when there is one) and records the restore as an
    /// `auto-rollback` deployment with its timings.
    private func rollBack(_ failed: inout DeploymentRun, because trouble: String, detectedAt: ContinuousClock.Instant) async {
        guard let previous = previousService else {
            failed.handle(.failed, reason: "the new instance \(trouble) after the switch; no earlier version to restore")
            deployment = failed
            return
        }
        var restore = DeploymentRun(
            snapshot: DeploymentSnapshot(previous), source: .autoRollback, previous: failed.id, rollbackOf: failed.id,
            journal: context.journal, progress: { _ in })
        let plan = DeployPlan(rollbackTo: previous, from: service)
        let bad = current
        let outcome = await replace(with: previous, plan: plan, run: restore)
        restore = deployment ?? restore
        guard outcome.outcome == .deployed else {
            failed.note(.note, "the automatic rollback failed: \(outcome.reason ?? "unknown"); the new version keeps serving")
            deployment = failed
            return
        }
        // A crashed new instance that its policy does not restart is left
        // behind by the restore; it is not part of the service any more.
        if let bad, bad !== current {
            await bad.stop()
            forget(bad)
        }
        let restored = ContinuousClock.now - detectedAt
        failed.handle(.rolledBack, reason: "the new instance \(trouble) after the switch; rolled back by deployment \(restore.id.map(String.init) ?? "?")")
        restore.note(.note, "restored after: the new instance \(trouble); traffic back in \(Self.milliseconds(restored)) ms after detection")
    }

    private func finishMonitorEarly() async {
        guard let monitor else { return }
        monitor.cancel()
        self.monitor = nil
        await settle(cutShort: true)
    }

    /// The monitor window ended (or a newer deploy cut it short): the
    /// deployment is active.
    private func settle(cutShort: Bool) async {
        monitor = nil
        guard var run = deployment, run.machine.status == .switching else { return }
        if let current, await current.isLive {
            run.handle(.monitorPassed)
            run.note(.note, cutShort ? "monitor cut short by a newer deployment" : "monitor passed")
        } else {
            run.handle(.failed, reason: "the instance ended during the monitor window")
        }
        deployment = run
    }

    // MARK: - Instances and routing

    private func makeInstance(_ definition: Service) -> ServiceInstance {
        let instance = ServiceInstance(number: nextNumber, service: definition, context: context, log: log) { instance, notice in
            await self.instance(instance, noticed: notice)
        }
        nextNumber += 1
        instances.append(instance)
        log.instanceAdded()
        return instance
    }

    private func forget(_ instance: ServiceInstance) {
        guard instances.contains(where: { $0 === instance }) else { return }
        instances.removeAll { $0 === instance }
        log.instanceRemoved()
        if serving === instance { serving = nil }
        changed()
    }

    /// Starts a fresh instance of `definition` that serves at once (the
    /// first start, a plain restart), and records it as a deployment.
    private func launch(_ definition: Service, source: DeploymentSource) async {
        let previousInstances = instances
        for old in previousInstances { forget(old) }
        let instance = makeInstance(definition)
        current = instance
        serving = definition.containerPorts.isEmpty ? nil : instance
        changed()
        await instance.start()
        recordFirstDeployment(of: instance, source: source)
    }

    /// `up` records each service's first deployment; it turns active once the instance is ready.
    private func recordFirstDeployment(of instance: ServiceInstance, source: DeploymentSource) {
        guard deployment == nil, let journal = context.journal else { return }
        let run = DeploymentRun(
            snapshot: DeploymentSnapshot(instance.service), source: source, previous: nil, journal: journal,
            progress: { _ in })
        let budget = DeployPlan(service: instance.service).readyBudget
        deployment = run
        let initial = run
        Task {
            var run = initial
            let launchFailure = await instance.facts.launchFailure
            if let launchFailure {
                run.handle(.failed, reason: "could not start: \(launchFailure)")
            } else {
                run.handle(.launched)
                switch await instance.waitReady(within: budget) {
                case .ready:
                    run.handle(.healthy)
                    run.handle(.switched)
                    run.handle(.monitorPassed)
                case let .failed(reason):
                    run.handle(.failed, reason: reason)
                }
            }
            await self.recorded(run)
        }
    }

    private func recorded(_ run: DeploymentRun) {
        if deployment?.id == run.id { deployment = run }
    }

    private func instance(_ instance: ServiceInstance, noticed notice: InstanceNotice) async {
        guard instance === serving else { return }
        switch notice {
        case let .launched(ports): await route(to: instance, ports: ports, fallback: routedFallback)
        case .ended:
            // Inside a monitor window the warm previous version takes the
            // traffic at once; the monitor then rolls back (or not) as configured.
            if monitor != nil, let previous = kept?.instance, await previous.isLive {
                await route(to: previous, ports: await previous.privatePorts)
            } else {
                await route(to: nil, ports: [:])
            }
        }
    }

    /// Points every listener of the service at the instance's private ports,
    /// or (nil) at nothing, so no request reaches a port that was given back;
    /// what the instance refuses goes to `fallback`, if it is live. Switches
    /// apply in the order they were asked for.
    private func route(to instance: ServiceInstance?, ports: [Int: Int], fallback: ServiceInstance? = nil) async {
        let previous = routing
        let listeners = context.endpoints.listeners[name] ?? [:]
        let proxy = context.proxy
        let id = instance?.id
        let backup = fallback !== instance ? fallback : nil
        routedFallback = backup
        routed = (instance, ports)
        let backupID = backup?.id
        let backupPorts = await backup?.privatePorts ?? [:]
        let task = Task {
            await previous?.value
            var routes: [ListenerKey: ListenerRoute] = [:]
            for (target, keys) in listeners {
                let upstream = id.flatMap { id in ports[target].map { Upstream(instance: id, port: $0) } }
                let fallback = backupID.flatMap { id in backupPorts[target].map { Upstream(instance: id, port: $0) } }
                for key in keys { routes[key] = ListenerRoute(upstream: upstream, fallback: fallback) }
            }
            await proxy.setRoutes(routes)
        }
        routing = task
        await task.value
    }

    // MARK: - One operation at a time

    private func exclusively<Result: Sendable>(_ body: () async -> Result) async -> Result {
        if busy {
            await withCheckedContinuation { queued.append($0) }
        } else {
            busy = true
        }
        defer {
            if queued.isEmpty { busy = false } else { queued.removeFirst().resume() }
        }
        return await body()
    }

    private func changed() {
        context.statusChanged()
        let waiting = waiters
        waiters = []
        waiting.forEach { $0.resume() }
    }

    private func nextChange() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiters.append($0) }
        } onCancel: {
            Task { await self.changed() }
        }
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return String(format: "%.2f", Double(micros) / 1000)
    }
}
