import ComposeKit
import Foundation
import Glibc
import SlipwayProxy

/// Runs one service for the life of the supervisor: starts an instance,
/// watches its health, restarts it as its policy says, stops it on request.
actor ServiceRunner {
    let service: Service
    private let context: RunContext
    let log: ServiceLog
    private(set) var facts: ServiceFacts
    private var instance: InstanceProcess?
    private var monitor: HealthMonitor?
    private var instanceNumber = 0
    private var privatePortsInUse: [Int] = []
    private var stopRequested = false
    private var restartBecauseUnhealthy = false
    private var restartBecauseOfDependency = false
    private var restarts: RestartPolicyEvaluator
    private var healthySince: ContinuousClock.Instant?
    private var lifecycle: Task<Void, Never>?
    private var backoff: Task<Void, Never>?
    private var watchers: [CheckedContinuation<Void, Never>] = []
    private var began = ContinuousClock.now
    /// What `ps` shows: the current instance's health and launch time, and
    /// whether the runner is waiting out a restart backoff.
    private var health: HealthStatus?
    private var launchedAt: Date?
    private var backingOff = false
    private var forcedKill: Task<Void, Never>?
    /// The instance's group was sent SIGSTOP (`pause`) and no SIGCONT since.
    private var paused = false

    init(service: Service, context: RunContext, log: ServiceLog) {
        self.service = service
        self.context = context
        self.log = log
        facts = ServiceFacts(hasHealthCheck: service.slipway.healthPath != nil || service.healthcheck?.isActive == true)
        restarts = RestartPolicyEvaluator(rule: RestartRule(service: service))
    }

    // MARK: - Control

    /// Starts the first instance; returns once it runs or could not start.
    func start() async {
        guard lifecycle == nil, !stopRequested else { return }
        began = .now
        lifecycle = Task { await self.runLifecycle() }
        await waitUntil { $0.launched || $0.launchFailure != nil || $0.finished }
    }

    /// Starts the service again after it ended or was stopped (the control
    /// API's `start`); false when it is already running.
    func startAgain() async -> Bool {
        guard let lifecycle, facts.finished else { return false }
        await lifecycle.value
        self.lifecycle = nil
        stopRequested = false
        facts = ServiceFacts(hasHealthCheck: facts.hasHealthCheck)
        restarts = RestartPolicyEvaluator(rule: RestartRule(service: service))
        await start()
        return facts.launched
    }

    /// Stops the instance (stop_signal, then SIGKILL after the grace period,
    /// or after `timeout` when given) and any further restart; returns once
    /// its processes are gone.
    func stop(timeout: Duration? = nil) async {
        if !stopRequested, let instance {
            began = .now
            emit(.stopping)
            instance.stop()
            continueIfPaused(instance)
            if let timeout { forcedKill = Self.kill(instance, after: timeout) }
        }
        stopRequested = true
        backoff?.cancel()
        await lifecycle?.value
        forcedKill?.cancel()
        forcedKill = nil
        if lifecycle == nil { facts.finished = true }
        changed()
    }

    private static func kill(_ instance: InstanceProcess, after timeout: Duration) -> Task<Void, Never> {
        Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            instance.signal(SIGKILL)
        }
    }

    /// One signal to the running instance's group (`slipway kill`); false
    /// when nothing runs.
    func signal(_ number: Int32) -> Bool {
        guard let instance else { return false }
        instance.signal(number)
        continueIfPaused(instance)
        return true
    }

    /// SIGSTOP to the running instance's group (`slipway pause`); false when nothing runs.
    func pause() -> Bool {
        guard let instance else { return false }
        instance.signal(SIGSTOP)
        paused = true
        changed()
        return true
    }

    /// SIGCONT to the paused instance's group (`slipway unpause`); false when it is not paused.
    func resume() -> Bool {
        guard let instance, paused else { return false }
        continueIfPaused(instance)
        changed()
        return true
    }

    /// A frozen group would act on a signal only when continued, so every
    /// signal sent to a paused instance is followed by SIGCONT.
    private func continueIfPaused(_ instance: InstanceProcess) {
        guard paused else { return }
        paused = false
        instance.signal(SIGCONT)
    }

    /// SIGKILL to the whole group, for a forced stop.
    func kill() {
        stopRequested = true
        backoff?.cancel()
        instance?.signal(SIGKILL)
    }

    /// Waits until `condition` is met or can no longer be met (or the caller is cancelled).
    func verdict(for condition: Dependency.Condition) async -> ServiceFacts.Verdict {
        await waitUntil { $0.verdict(for: condition) != nil }
        return facts.verdict(for: condition) ?? .failed(reason: "was not waited for: the bring-up was aborted")
    }

    /// Returns once no instance runs and none will be started again.
    func waitUntilFinished() async {
        await waitUntil { $0.finished }
    }

    func warn(_ message: String) {
        emit(.warning(message))
    }

    /// `depends_on.<dependency>.restart: true`: the dependency was restarted,
    /// so the running instance is stopped and started again at once.
    func restart(becauseOf dependency: String) {
        guard !stopRequested, let instance else { return }
        restartBecauseOfDependency = true
        emit(.warning("restarts because \(dependency) restarted"))
        instance.stop()
        continueIfPaused(instance)
    }

    // MARK: - Status

    /// The instance as `ps` shows it; `publishers` are the proxy's listeners.
    func status(project: String, publishers: [PortPublisher]) -> InstanceStatus {
        InstanceStatus(
            name: "\(project)-\(service.name)-1", service: service.name, image: service.image ?? "",
            command: CommandDisplay.text(for: service), state: state, health: health, exitCode: exitCode, pid: instance?.leader.pid, startedAt: launchedAt,
            publishers: publishers, restartCount: restarts.restartCount)
    }

    private var state: InstanceState {
        if instance != nil {
            if paused { return .paused }
            return health == .starting ? .starting : .running
        }
        if backingOff { return .restarting }
        if facts.finished { return stopRequested && facts.launchFailure == nil ? .stopped : .exited }
        return lifecycle == nil ? .created : .starting
    }

    /// A service that could not be started at all reads as a shell's "command not found".
    private var exitCode: Int32 {
        if facts.launchFailure != nil { return 127 }
        return facts.lastExit?.code ?? 0
    }

    // MARK: - Lifecycle

    private func runLifecycle() async {
        while !stopRequested {
            guard let process = await launch() else { break }
            let startedAt = ContinuousClock.now
            let ending = await process.waitForExit()
            let status = ending.status
            await instanceEnded(process, shimLost: ending.shimLost)
            facts.lastExit = status
            if stopRequested { break }
            if restartBecauseOfDependency {
                restartBecauseOfDependency = false
                continue
            }
            guard let delay = restartDelay(after: status, ranFor: .now - startedAt) else {
                emit(status.isSuccess ? .completed : .exited(status))
                break
            }
            backingOff = true
            emit(.restarting(attempt: restarts.restartCount, delay: delay))
            changed()
            await sleepUnlessStopped(delay)
            backingOff = false
        }
        facts.finished = true
        if stopRequested && facts.launched { emit(.stopped) }
        changed()
    }

    private func launch() async -> InstanceProcess? {
        instanceNumber += 1
        emit(.starting)
        // The probe schedule counts from here, when the shim is spawned, so
        // a slow spawn (many at once on a busy machine) does not delay the first probe further.
        let spawnBegan = ContinuousClock.now
        do {
            let extraPorts = service.imageRun?.adapter.internalPorts ?? []
            let ports = try context.ports.allocate(service.containerPorts.count + extraPorts.count)
            let privatePorts = Dictionary(uniqueKeysWithValues: zip(service.containerPorts, ports))
            let internalPorts = Dictionary(uniqueKeysWithValues: zip(extraPorts, ports.dropFirst(service.containerPorts.count)))
            let request: InstanceLaunchRequest
            let process: InstanceProcess
            do {
                request = try launchRequest(privatePorts: privatePorts, internalPorts: internalPorts)
                process = try await InstanceProcess.launch(request, output: log)
            } catch {
                context.ports.release(ports)
                throw error
            }
            instance = process
            privatePortsInUse = ports
            health = facts.hasHealthCheck ? .starting : nil
            launchedAt = Date()
            // A stop that arrived while the shim was starting found no instance to stop.
            if stopRequested { process.stop() }
            context.records.save(record(process))
            await route(to: privatePorts)
            facts.launched = true
            emit(.started)
            if instanceNumber > 1 { context.instanceRestarted(service.name) }
            watchHealth(process, privatePorts: privatePorts, environment: request.environment, launchedAt: spawnBegan)
            changed()
            return process
        } catch let UpError.cannotStart(_, reason) {
            fail(reason)
        } catch {
            fail("\(error)")
        }
        return nil
    }

    private func fail(_ reason: String) {
        facts.launchFailure = reason
        emit(.failedToStart(reason: reason))
        changed()
    }

    private func launchRequest(privatePorts: [Int: Int], internalPorts: [String: Int]) throws -> InstanceLaunchRequest {
        let run = service.imageRun
        let user = switchedUser() ?? (context.canSwitchUser ? run?.adapter.account : nil)
        let owner = try user.map(account)
        var environment = InstanceEnvironment.build(
            for: service, ports: privatePorts, dependencies: context.endpoints.addresses,
            inherited: owner.map { InstanceEnvironment.base(for: $0, from: context.baseEnvironment) } ?? context.baseEnvironment)
        environment["SLIPWAY_DATA_DIR"] = try ServiceDataDirectory(
            state: context.state, service: service.name, owner: owner).path
        let arguments: [String]
        if let run {
            let launch = try ImageLaunch(
                run, service: service, environment: environment, internalPorts: internalPorts, state: context.state,
                owner: owner)
            arguments = launch.arguments
            environment = launch.environment
        } else {
            arguments = try ServiceCommand.arguments(for: service)
        }
        environment = context.names.rewrites[service.name]?.apply(to: environment) ?? environment
        guard let executable = ExecutableLookup.resolve(
            arguments[0], environment: environment, workingDirectory: service.workingDir)
        else {
            throw UpError.cannotStart(service: service.name, reason: "\(arguments[0]): executable file not found in $PATH")
        }
        let stopSignal = service.stopSignal ?? run?.adapter.stopSignal
        return InstanceLaunchRequest(
            shimExecutable: context.shimExecutable, executable: executable, arguments: arguments,
            environment: environment, workingDirectory: service.workingDir ?? nil, user: user,
            stopSignal: stopSignal.flatMap(SignalName.number) ?? SIGTERM,
            stopGracePeriod: service.stopGracePeriod, hostsFile: context.names.hostsFiles[service.name])
    }

    /// The `user:` to switch to, or nil: without root the service runs as
    /// the supervisor's user, which the first start says once.
    private func switchedUser() -> String? {
        guard let wanted = service.user else { return nil }
        if context.canSwitchUser { return wanted }
        if instanceNumber == 1 { emit(.warning("runs as the current user, not \(wanted): switching user needs root")) }
        return nil
    }

    private func account(_ user: String) throws(UpError) -> Account {
        do {
            return try Account(resolving: user)
        } catch {
            throw UpError.cannotStart(service: service.name, reason: "user \(user): \(error.message)")
        }
    }

    private func record(_ process: InstanceProcess) -> ProcessRecord {
        ProcessRecord(service: service.name, instance: instanceNumber, shim: process.shim, leader: process.leader)
    }

    private var instanceID: InstanceID { "\(service.name)-\(instanceNumber)" }

    private func route(to privatePorts: [Int: Int]) async {
        for (target, keys) in context.endpoints.listeners[service.name] ?? [:] {
            guard let port = privatePorts[target] else { continue }
            for key in keys {
                _ = try? await context.proxy.setUpstream(Upstream(instance: instanceID, port: port), for: key)
            }
        }
    }

    private func instanceEnded(_ process: InstanceProcess, shimLost: Bool) async {
        await monitor?.stop()
        monitor = nil
        instance = nil
        health = nil
        paused = false
        if shimLost {
            emit(.warning("its shim was killed; ending what is left of the instance"))
            SurvivorSweep(store: context.records).end(record(process))
        }
        context.records.remove(record(process))
        context.ports.release(privatePortsInUse)
        privatePortsInUse = []
    }

    // MARK: - Health

    private func watchHealth(
        _ process: InstanceProcess, privatePorts: [Int: Int], environment: [String: String],
        launchedAt: ContinuousClock.Instant
    ) {
        let primary = service.containerPorts.first.flatMap { privatePorts[$0] }
        guard var plan = try? HealthCheckPlan(service: service, primaryPort: primary) else { return }
        plan.check = context.names.wrap(plan.check, of: service.name, shimExecutable: context.shimExecutable)
        let monitor = HealthMonitor(
            plan: plan, environment: environment, workingDirectory: service.workingDir, limiter: context.probes,
            launchedAt: launchedAt,
            listen: ListenTarget(watch: context.listens, ports: Array(privatePorts.values), processTree: process.shim.pid))
        self.monitor = monitor
        Task {
            await monitor.start()
            for await transition in monitor.transitions {
                self.healthChanged(transition, of: process)
            }
        }
        Task {
            for await port in monitor.foreignPorts {
                self.warn(ForeignPortWarning(port: port, privatePorts: privatePorts).text)
            }
        }
    }

    private func healthChanged(_ transition: HealthTransition, of process: InstanceProcess) {
        guard instance === process else { return }
        health = transition.to
        switch transition.to {
        case .healthy:
            facts.healthy = true
            facts.lastHealthFailure = nil
            healthySince = healthySince ?? .now
            emit(.healthy)
        case .unhealthy:
            healthySince = nil
            facts.lastHealthFailure = transition.probe.reason
            emit(.unhealthy(reason: transition.probe.reason))
            if service.slipway.restartOnUnhealthy {
                restartBecauseUnhealthy = true
                process.stop()
                continueIfPaused(process)
            }
        case .starting:
            break
        }
        changed()
    }

    // MARK: - Restart

    private func restartDelay(after status: ExitStatus, ranFor duration: Duration) -> Duration? {
        let stable = facts.hasHealthCheck ? healthySince.map { ContinuousClock.now - $0 } ?? .zero : duration
        let exit = InstanceExit(
            cause: restartBecauseUnhealthy ? .unhealthy : .exited(code: status.code), stopRequested: stopRequested,
            ranFor: stable)
        restartBecauseUnhealthy = false
        healthySince = nil
        guard case let .restart(_, delay) = restarts.decide(after: exit, at: .now) else { return nil }
        return delay
    }

    private func sleepUnlessStopped(_ delay: Duration) async {
        let task = Task { _ = try? await Task.sleep(for: delay) }
        backoff = task
        await task.value
        backoff = nil
    }

    // MARK: - Events and waiting

    private func emit(_ kind: ServiceEvent.Kind) {
        let event = ServiceEvent(service: service.name, kind: kind, elapsed: .now - began)
        // The terminal shows no line for a launch; the file notes it, so it times start-to-healthy.
        let line = ProgressLine(nameWidth: 0, colours: false).render(event)
            ?? (kind == .starting ? "⠿ \(service.name)  Starting" : nil)
        if let line { log.note(line) }
        context.events.yield(event)
    }

    private func changed() {
        context.statusChanged()
        let waiting = watchers
        watchers = []
        waiting.forEach { $0.resume() }
    }

    private func waitUntil(_ predicate: (ServiceFacts) -> Bool) async {
        while !predicate(facts), !Task.isCancelled {
            await withTaskCancellationHandler {
                await withCheckedContinuation { watchers.append($0) }
            } onCancel: {
                Task { await self.changed() }
            }
        }
    }
}
