import ComposeKit
import Foundation
import Glibc
import SlipwayProxy
import SlipwayShim

/// What an instance tells its service's runner; awaited, so the runner's
/// routing follows the instance's steps in order.
enum InstanceNotice: Sendable {
    /// A process runs on these private ports (container port → private port).
    case launched(ports: [Int: Int])
    /// The process ended; its ports are released.
    case ended
}

/// How waiting for a new instance to be ready ended.
enum InstanceReadiness: Sendable, Equatable {
    case ready
    case failed(reason: String)
}

/// One instance of a service (`web-1`, `web-2`) for as long as it lives: its
/// process, relaunched as its restart policy says; its private ports; its
/// health monitor; its own last lines. Its id is the same everywhere: the
/// proxy's instance id, the process record's key, the name `ps` shows.
actor ServiceInstance {
    nonisolated let number: Int
    nonisolated let id: InstanceID
    nonisolated let service: Service
    nonisolated let output: InstanceOutput
    private let context: RunContext
    private let notify: @Sendable (ServiceInstance, InstanceNotice) async -> Void
    private(set) var facts: ServiceFacts
    private var process: InstanceProcess?
    private var monitor: HealthMonitor?
    /// The network namespace of this launch's own that its health checks run in.
    private var network: InstanceNetworkNamespace?
    /// Tells `network` when the instance's ports start listening.
    private var networkWatch: ListenWatch.Registration?
    private(set) var privatePorts: [Int: Int] = [:]
    /// The container ports' private ports and an image adapter's internal ones, released together.
    private var allocatedPorts: [Int] = []
    /// The environment the current process runs with (a release command runs with it too).
    private(set) var environment: [String: String] = [:]
    private var stopRequested = false
    /// A `--timeout` that came while the process was being spawned, applied once it exists.
    private var pendingStopTimeout: Duration?
    private var killRequested = false
    private var restartBecauseUnhealthy = false
    private var restartBecauseOfDependency = false
    private var restarts: RestartPolicyEvaluator
    private var healthySince: ContinuousClock.Instant?
    private var lifecycle: Task<Void, Never>?
    private var backoff: Task<Void, Never>?
    private var forcedKill: Task<Void, Never>?
    private var watchers: [CheckedContinuation<Void, Never>] = []
    private var began = ContinuousClock.now
    private var launches = 0
    private(set) var health: HealthStatus?
    private(set) var launchedAt: Date?
    private var backingOff = false
    /// The group was sent SIGSTOP (`pause`) and no SIGCONT since.
    private var paused = false

    init(
        number: Int, service: Service, context: RunContext, log: ServiceLog,
        notify: @escaping @Sendable (ServiceInstance, InstanceNotice) async -> Void
    ) {
        self.number = number
        id = "\(service.name)-\(number)"
        self.service = service
        self.context = context
        output = InstanceOutput(log: log, instance: id)
        self.notify = notify
        facts = ServiceFacts(hasHealthCheck: service.slipway.healthPath != nil || service.healthcheck?.isActive == true)
        restarts = RestartPolicyEvaluator(rule: RestartRule(service: service))
    }

    // MARK: - Control

    /// Launches the process; returns once it runs, could not start, or was stopped first.
    func start() async {
        guard lifecycle == nil, !stopRequested else { return }
        began = .now
        lifecycle = Task { await self.runLifecycle() }
        await waitUntil { $0.launched || $0.launchFailure != nil || $0.finished }
    }

    /// Stops the process (stop_signal, then SIGKILL after the grace period,
    /// or after `timeout`) and any restart; returns once its processes are
    /// gone. A stop while the process is still being spawned takes effect
    /// as soon as it exists, with its timeout.
    func stop(timeout: Duration? = nil) async {
        if !stopRequested {
            stopRequested = true
            began = .now
            if isLive { emit(.stopping) }
            if let process {
                process.stop()
                continueIfPaused(process)
                if let timeout { forcedKill = Self.kill(process, after: timeout) }
            } else {
                pendingStopTimeout = timeout
            }
        } else if let timeout, forcedKill == nil, let process {
            forcedKill = Self.kill(process, after: timeout)
        }
        backoff?.cancel()
        await lifecycle?.value
        forcedKill?.cancel()
        forcedKill = nil
        if lifecycle == nil {
            facts.finished = true
            changed()
        }
    }

    private static func kill(_ process: InstanceProcess, after timeout: Duration) -> Task<Void, Never> {
        Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            process.signal(SIGKILL)
        }
    }

    /// SIGKILL to the whole group (a forced stop); one still being spawned is killed once it exists.
    func kill() {
        stopRequested = true
        killRequested = true
        backoff?.cancel()
        process?.signal(SIGKILL)
        if let process { continueIfPaused(process) }
    }

    /// One signal to the group (`slipway kill`); false when nothing runs.
    func signal(_ number: Int32) -> Bool {
        guard let process else { return false }
        process.signal(number)
        continueIfPaused(process)
        return true
    }

    /// SIGSTOP to the group (`slipway pause`); false when nothing runs.
    func pause() -> Bool {
        guard let process else { return false }
        process.signal(SIGSTOP)
        paused = true
        changed()
        return true
    }

    /// SIGCONT to the paused group (`slipway unpause`); false when it is not paused.
    func resume() -> Bool {
        guard let process, paused else { return false }
        continueIfPaused(process)
        changed()
        return true
    }

    /// A frozen group acts on a signal only once continued, so every signal
    /// sent to a paused instance is followed by SIGCONT.
    private func continueIfPaused(_ process: InstanceProcess) {
        guard paused else { return }
        paused = false
        process.signal(SIGCONT)
    }

    /// `depends_on.<dependency>.restart: true`: stopped and started again at once.
    func restart(becauseOf dependency: String) {
        guard !stopRequested, let process else { return }
        restartBecauseOfDependency = true
        emit(.warning("restarts because \(dependency) restarted"))
        process.stop()
        continueIfPaused(process)
    }

    func warn(_ message: String) {
        emit(.warning(message))
    }

    var isLive: Bool { lifecycle != nil && !facts.finished }
    var pid: Int32? { process?.leader.pid }
    var restartCount: Int { restarts.restartCount }

    /// Waits until `condition` is met or can no longer be met (or the caller is cancelled).
    func verdict(for condition: Dependency.Condition) async -> ServiceFacts.Verdict {
        await waitUntil { $0.verdict(for: condition) != nil }
        return facts.verdict(for: condition) ?? .failed(reason: "was not waited for: the bring-up was aborted")
    }

    func waitUntilFinished() async {
        await waitUntil { $0.finished }
    }

    /// Waits until the new instance can take traffic: healthy when it has a
    /// health check, else accepting connections on its first private port
    /// (when it has one), else launched. An exit, an unhealthy verdict or
    /// the budget passing first fails it.
    func waitReady(within budget: Duration) async -> InstanceReadiness {
        let deadline = ContinuousClock.now + budget
        let timer = Task {
            try? await Task.sleep(until: deadline)
            self.changed()
        }
        defer { timer.cancel() }
        if facts.hasHealthCheck {
            await waitUntil { $0.healthy || $0.lastHealthFailure != nil || $0.lastExit != nil || $0.finished || ContinuousClock.now >= deadline }
            return readiness(budget: budget)
        }
        await waitUntil { $0.launched || $0.launchFailure != nil || $0.finished }
        guard let port = service.containerPorts.first.flatMap({ privatePorts[$0] }) else { return readiness(budget: budget, started: true) }
        while facts.lastExit == nil, !facts.finished, ContinuousClock.now < deadline {
            if Self.accepts(port) { return .ready }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return readiness(budget: budget)
    }

    /// Waits until the instance, live and ready now, goes bad: its process
    /// exits (a crash, whatever the restart policy does next) or `failures`
    /// health checks fail in a row. Returns why; the caller bounds the wait
    /// (a deploy's monitor window) by cancelling it.
    func waitForTrouble(failures: Int) async -> String? {
        let exitsBefore = facts.exits
        await waitUntil { $0.exits > exitsBefore || $0.finished || ($0.hasHealthCheck && $0.failingStreak >= failures) }
        if Task.isCancelled { return nil }
        if facts.exits > exitsBefore, let exit = facts.lastExit { return "exited (\(exit))" }
        if facts.finished { return "was stopped" }
        return "failed \(facts.failingStreak) health checks in a row"
            + (facts.lastHealthFailure.map { ": \($0)" } ?? "")
    }

    private func readiness(budget: Duration, started: Bool = false) -> InstanceReadiness {
        if let failure = facts.launchFailure { return .failed(reason: "could not start: \(failure)") }
        if let exit = facts.lastExit { return .failed(reason: "exited before it was ready (\(exit))") }
        if facts.finished { return .failed(reason: "was stopped before it was ready") }
        if let failure = facts.lastHealthFailure { return .failed(reason: "is unhealthy: \(failure)") }
        if facts.healthy || started { return .ready }
        return .failed(reason: "was not ready within \(ProgressLine.format(budget))")
    }

    /// Whether something listens on the loopback port (a connect to loopback completes at once).
    private static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    // MARK: - Status

    func status(project: String, publishers: [PortPublisher]) -> InstanceStatus {
        InstanceStatus(
            name: "\(project)-\(id)", service: service.name, image: service.image ?? "",
            command: CommandDisplay.text(for: service),
            state: state, health: health, exitCode: exitCode, pid: process?.leader.pid, startedAt: launchedAt,
            publishers: publishers, restartCount: restarts.restartCount)
    }

    private var state: InstanceState {
        if process != nil {
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
            await ended(process, shimLost: ending.shimLost)
            facts.lastExit = status
            facts.exits += 1
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
        launches += 1
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
            let plan: HealthCheckPlan?
            let process: InstanceProcess
            do {
                plan = try healthPlan(privatePorts)
                request = try launchRequest(privatePorts: privatePorts, internalPorts: internalPorts)
                process = try await InstanceProcess.launch(request, output: output)
            } catch {
                context.ports.release(ports)
                throw error
            }
            self.process = process
            self.privatePorts = privatePorts
            allocatedPorts = ports
            environment = request.environment
            health = plan == nil ? nil : .starting
            launchedAt = Date()
            applyStopThatCameDuringSpawn(to: process)
            context.records.save(record(process))
            await notify(self, .launched(ports: privatePorts))
            facts.launched = true
            emit(.started)
            if launches > 1 { context.instanceRestarted(service.name) }
            if var plan {
                plan.check = TiedCommand.wrap(
                    plan.check, shimExecutable: context.shimExecutable, networkHolder: await ownNetwork(for: plan.check))
                watchHealth(process, plan: plan, environment: request.environment, launchedAt: spawnBegan)
            }
            changed()
            return process
        } catch let UpError.cannotStart(_, reason) {
            fail(reason)
        } catch {
            fail("\(error)")
        }
        return nil
    }

    /// A stop, a timeout or a kill that came while the shim was spawning found no process; it gets it now.
    private func applyStopThatCameDuringSpawn(to process: InstanceProcess) {
        if killRequested {
            process.signal(SIGKILL)
        } else if stopRequested {
            process.stop()
            if let pendingStopTimeout { forcedKill = Self.kill(process, after: pendingStopTimeout) }
        }
    }

    private func healthPlan(_ privatePorts: [Int: Int]) throws(UpError) -> HealthCheckPlan? {
        let primary = service.containerPorts.first.flatMap { privatePorts[$0] }
        do {
            guard var plan = try HealthCheckPlan(service: service, primaryPort: primary) else { return nil }
            plan.check = context.names.wrap(plan.check, of: service.name, shimExecutable: context.shimExecutable)
            return plan
        } catch {
            throw UpError.cannotStart(service: service.name, reason: "\(error)")
        }
    }

    /// The holder of a network namespace of this launch's own for a `CMD`
    /// check to run in, where `localhost:<container port>` is this instance
    /// and never whatever holds that port on the host (the proxy, serving
    /// another instance during a deploy); docs/health-checks.md. Nil, said
    /// once, where that cannot be had: the check runs in the host's network.
    private func ownNetwork(for check: ProbeCheck) async -> pid_t? {
        if case .http = check { return nil }
        guard !privatePorts.isEmpty else { return nil }
        guard context.ownNetworks else {
            if launches == 1 && number == 1 {
                emit(.warning("its health check runs in the host's network (network namespaces unavailable or SLIPWAY_NAMESPACES=off): "
                    + "localhost on a container port reaches whatever serves it there, not necessarily this instance"))
            }
            return nil
        }
        let routes = NamespaceRoute.routes(
            instance: id, privatePorts: privatePorts, allocatedPorts: allocatedPorts, service: service.name,
            reachable: context.names.reachable[service.name] ?? [], addresses: context.endpoints.addresses)
        let opened = await InstanceNetworkNamespace.open(
            routes, instance: id, shimExecutable: context.shimExecutable,
            environment: context.baseEnvironment.map { "\($0.key)=\($0.value)" }, proxy: context.proxy,
            waitForInstance: context.listensSeen)
        switch opened {
        case let .success(network):
            self.network = network
            // A kernel without IPv6 has no ::1; `localhost` still reaches 127.0.0.1.
            for failure in await network.failures where launches == 1 && !failure.hasPrefix("::1:") {
                emit(.warning("its health check cannot reach \(failure)"))
            }
            let awaited = await network.awaitedPorts
            if !awaited.isEmpty {
                networkWatch = context.listens.watch(ports: awaited, processTree: nil) { event in
                    guard case let .listening(port) = event else { return }
                    Task { await network.portListens(port) }
                }
            }
            return network.holder.pid
        case let .failure(failure):
            if launches == 1 { emit(.warning("its health check runs in the host's network: no network namespace of its own: \(failure)")) }
            return nil
        }
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
        // One data directory per service, as a named volume is one per
        // project: it must outlive every instance. Two instances overlap on
        // it only in a blue-green deploy, which a service with `volumes` is
        // spared (it is recreated instead; docs/deploy.md).
        environment["SLIPWAY_DATA_DIR"] = try ServiceDataDirectory(
            state: context.state, service: service.name, owner: owner).path
        environment["SLIPWAY_INSTANCE"] = id
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
        return InstanceLaunchRequest(
            shimExecutable: context.shimExecutable, executable: executable, arguments: arguments,
            environment: environment, workingDirectory: service.workingDir ?? nil, user: user,
            stopSignal: (service.stopSignal ?? run?.adapter.stopSignal).flatMap(SignalName.number) ?? SIGTERM,
            stopGracePeriod: service.stopGracePeriod, hostsFile: context.names.hostsFiles[service.name])
    }

    /// The `user:` to switch to, or nil: without root the service runs as
    /// the supervisor's user, which the first start says once.
    private func switchedUser() -> String? {
        guard let wanted = service.user else { return nil }
        if context.canSwitchUser { return wanted }
        if launches == 1 && number == 1 { emit(.warning("runs as the current user, not \(wanted): switching user needs root")) }
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
        ProcessRecord(service: service.name, instance: number, shim: process.shim, leader: process.leader)
    }

    private func ended(_ process: InstanceProcess, shimLost: Bool) async {
        await monitor?.stop()
        monitor = nil
        if let networkWatch { context.listens.cancel(networkWatch) }
        networkWatch = nil
        await network?.close()
        network = nil
        self.process = nil
        health = nil
        facts.failingStreak = 0
        paused = false
        if shimLost {
            emit(.warning("its shim was killed; ending what is left of the instance"))
            SurvivorSweep(store: context.records).end(record(process))
        }
        context.records.remove(record(process))
        await notify(self, .ended)
        context.ports.release(allocatedPorts)
        privatePorts = [:]
        allocatedPorts = []
    }

    // MARK: - Health

    private func watchHealth(
        _ process: InstanceProcess, plan: HealthCheckPlan, environment: [String: String],
        launchedAt: ContinuousClock.Instant
    ) {
        var prepare: (@Sendable (Int) async -> Void)?
        if let network = self.network {
            prepare = { port in await network.portListens(port) }
        }
        let monitor = HealthMonitor(
            plan: plan, environment: environment, workingDirectory: service.workingDir, limiter: context.probes,
            launchedAt: launchedAt,
            listen: ListenTarget(
                watch: context.listens, ports: Array(privatePorts.values), processTree: foreignPortRoot(process),
                prepare: prepare))
        self.monitor = monitor
        let privatePorts = self.privatePorts
        Task {
            await monitor.start()
            for await transition in monitor.transitions {
                await self.healthChanged(transition, of: process)
            }
        }
        Task {
            for await streak in monitor.failingStreaks {
                self.failingStreakChanged(streak, of: process)
            }
        }
        Task {
            for await port in monitor.foreignPorts {
                self.warn(ForeignPortWarning(port: port, privatePorts: privatePorts).text)
            }
        }
    }

    /// Where to look for ports taken besides the given ones. Not in an image
    /// adapter's tree: Slipway wrote that server's configuration, and its
    /// helpers (RabbitMQ's Erlang nodes) take ports of their own that the
    /// user can do nothing about.
    private func foreignPortRoot(_ process: InstanceProcess) -> Int32? {
        service.imageRun == nil ? process.shim.pid : nil
    }

    private func failingStreakChanged(_ streak: Int, of process: InstanceProcess) {
        guard self.process === process else { return }
        facts.failingStreak = streak
        changed()
    }

    private func healthChanged(_ transition: HealthTransition, of process: InstanceProcess) async {
        guard self.process === process else { return }
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
        if let line { output.log.note(number > 1 ? "[\(id)] \(line)" : line) }
        context.events.yield(event)
    }

    private func changed() {
        let waiting = watchers
        watchers = []
        waiting.forEach { $0.resume() }
        context.statusChanged()
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
