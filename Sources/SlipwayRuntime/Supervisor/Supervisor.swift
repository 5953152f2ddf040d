import ComposeKit
import Foundation
import NIOPosix
import SlipwayProxy
import SlipwayStore

/// Runs a project's services as processes: brings them up in dependency
/// order behind their conditions, keeps them running, stops them in reverse.
public actor Supervisor {
    /// Every service's progress, for the CLI to render.
    public nonisolated let events: AsyncStream<ServiceEvent>
    let continuation: AsyncStream<ServiceEvent>.Continuation
    private let configuration: SupervisorConfiguration
    nonisolated let proxy = ReverseProxy(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    var runners: [String: ServiceRunner] = [:]
    /// Each runner's definition (as last deployed), readable without asking the runner.
    var services: [String: Service] = [:]
    /// What every runner shares; kept so a deploy can add a service.
    var context: RunContext?
    private var control: ControlServer?
    private var serving: Task<Void, Never>?
    var stopping = false
    /// Published ports per service, as `ps` shows them.
    var publishers: [String: [PortPublisher]] = [:]
    /// Published ports with their proxy listeners, as `stats` reports them.
    var publishedListeners: [PublishedListener] = []
    /// Each service's stable address, for a one-off of a dependent (`slipway run`).
    var addresses: [String: ServiceAddress] = [:]
    let watchers = StatusWatchers()
    private var statusPublishScheduled = false
    /// Fired by `down` or `stop()`: the owner then finishes with `stop()` and exits.
    let endRequested = ShutdownSignal()

    var project: String { configuration.project.name }
    nonisolated var stateDirectory: StateDirectory { configuration.stateDirectory }

    public init(configuration: SupervisorConfiguration) {
        self.configuration = configuration
        (events, continuation) = AsyncStream.makeStream(of: ServiceEvent.self)
    }

    /// Starts every selected service once its dependencies meet their
    /// conditions. Throws (having started nothing further) when a required
    /// dependency fails; the caller then stops what did start with `stop()`.
    public func up() async throws(UpError) {
        var selection = try selectedServices()
        try Self.checkHealthPlans(selection)
        let state = configuration.stateDirectory
        try StateDirectoryReach.check(state, services: selection)
        do { try state.prepare() } catch { throw UpError.stateDirectory(error.description) }
        try await serveControl(ControlEndpoint(project: configuration.project.name, stateDirectory: state))
        let records = ProcessRecordStore(state)
        let sweep = SurvivorSweep(store: records)
        let leftovers = Set(records.all().map(\.service))
        if await DedicatedThread.run({ sweep.run() }) > 0 {
            for service in leftovers.sorted() {
                continuation.yield(ServiceEvent(
                    service: service, kind: .warning("ended what an earlier supervisor left running"), elapsed: .zero))
            }
        }
        let (journal, interrupted) = try openDeploymentLog(state)
        var recoveryNotes: [String: [String]] = [:]
        selection = selection.map { service in
            let (restored, note) = restoreLastActive(service, interrupted: interrupted, log: journal.log)
            if let note { recoveryNotes[service.name] = [note] }
            return restored
        }
        let addresses = ServiceAddresses.assign(project: configuration.project.name, services: selection)
        let endpoints = try await ServiceEndpoints.open(for: selection, proxy: proxy, addresses: addresses)
        let (names, nameNotes) = try await prepareNames(selection, addresses: addresses, endpoints: endpoints, state: state)
        var context = RunContext(
            shimExecutable: configuration.shimExecutable, state: state, records: records, events: continuation,
            ports: .processWide, probes: ProbeLimiter(), proxy: proxy, endpoints: endpoints,
            baseEnvironment: configuration.environment,
            instanceRestarted: { name in Task { await self.dependencyRestarted(name) } },
            statusChanged: { Task { await self.statusChanged() } },
            journal: journal)
        context.names = names
        context.ownNetworks = configuration.environment["SLIPWAY_NAMESPACES"] != "off"
            ? await NetworkNamespaceSupport.isAvailable(shimExecutable: configuration.shimExecutable) : false
        context.listensSeen = ListeningSockets() != nil
        // A stop that came while the listeners were opening found no runner to stop.
        guard !stopping else { return }
        publishers = Self.publishers(selection, endpoints: endpoints)
        publishedListeners = endpoints.publishedListeners
        self.addresses = endpoints.addresses
        self.context = context
        createRunners(selection, context: context)
        for (service, lines) in nameNotes.merging(recoveryNotes, uniquingKeysWith: +) {
            for line in lines { await runners[service]?.warn(line) }
        }
        try await bringUp()
    }

    /// Hosts files when namespaces work (`SLIPWAY_NAMESPACES=off` asks for
    /// the fallback), and the lines each service's log should say about its names.
    private func prepareNames(
        _ selection: [Service], addresses: ServiceAddresses, endpoints: ServiceEndpoints, state: StateDirectory
    ) async throws(UpError) -> (ServiceNames, [String: [String]]) {
        let namespaces = configuration.environment["SLIPWAY_NAMESPACES"] != "off"
            ? await NamespaceSupport.isAvailable(shimExecutable: configuration.shimExecutable) : false
        var notes = endpoints.notes
        if !namespaces {
            for service in selection {
                notes[service.name, default: []].append(
                    "no private /etc/hosts (mount namespaces unavailable or SLIPWAY_NAMESPACES=off): service names are rewritten to addresses in its environment only")
            }
        }
        // The services left out get a hosts file too, naming those that run: a one-off of one of
        // them (`slipway run`, which starts only the dependencies) resolves them as an instance would.
        let started = Set(selection.map(\.name))
        let others = configuration.project.services.values.filter { !started.contains($0.name) }.sorted { $0.name < $1.name }
        do {
            let names = try ServiceNames.prepare(
                services: selection + others, addresses: addresses, namedPorts: endpoints.namedPorts, state: state,
                namespaces: namespaces)
            return (names, notes)
        } catch {
            throw UpError.stateDirectory("cannot write the services' hosts files: \(error.localizedDescription)")
        }
    }

    /// Returns once no service runs any more and none will restart.
    public func waitUntilAllEnded() async {
        for runner in runners.values { await runner.waitUntilFinished() }
    }

    /// Returns once a client asked for `down` or `stop()` began (a signal),
    /// or, with `orAllEnded`, once every service ended by itself (the
    /// foreground `up`; a detached supervisor stays for `ps -a`, `logs` and `start`).
    public func waitUntilEndRequested(orAllEnded: Bool) async {
        let down = endRequested.stream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in down {} }
            if orAllEnded { group.addTask { await self.waitUntilAllEnded() } }
            await group.next()
            group.cancelAll()
        }
    }

    /// Stops every service, dependents before their dependencies, each with
    /// its stop_signal and grace period, then closes the proxy listeners and,
    /// last, the control socket (after answering the clients it has).
    public func stop() async {
        stopping = true
        endRequested.fire()
        await stop(Set(runners.keys), timeout: nil)
        await proxy.shutdown()
        watchers.finish()
        await control?.shutdown()
        await serving?.value
        control = nil
        continuation.finish()
    }

    /// Stops the named services, each after every named dependent of it has stopped.
    func stop(_ names: Set<String>, timeout: Duration?) async {
        var tasks: [String: Task<Void, Never>] = [:]
        for name in names.sorted() { _ = stopTask(for: name, among: names, timeout: timeout, tasks: &tasks) }
        for task in tasks.values { await task.value }
    }

    /// SIGKILL to every service's process group (a second Ctrl-C).
    public func kill() async {
        for runner in runners.values { await runner.kill() }
    }

    // MARK: - Bring-up

    /// One supervisor per project: binding the control socket takes the
    /// project's lock, so a second `up` fails here before touching anything.
    private func serveControl(_ endpoint: ControlEndpoint) async throws(UpError) {
        let server: ControlServer
        do {
            server = try await ControlServer.bind(endpoint: endpoint, handler: self)
        } catch .alreadyRunning {
            throw UpError.alreadyRunning(stateDirectory: endpoint.stateDirectory.path)
        } catch {
            throw UpError.stateDirectory(error.description)
        }
        // A stop that came while binding has already shut down what it found.
        guard !stopping else { return await server.shutdown() }
        control = server
        serving = Task { await server.run() }
    }

    private static func publishers(_ services: [Service], endpoints: ServiceEndpoints) -> [String: [PortPublisher]] {
        var result: [String: [PortPublisher]] = [:]
        for service in services {
            var published = endpoints.published[service.name] ?? []
            let targets = Set(published.map(\.targetPort))
            for target in service.containerPorts where !targets.contains(target) {
                published.append(PortPublisher(url: "", targetPort: target, publishedPort: 0))
            }
            result[service.name] = published
        }
        return result
    }

    private func selectedServices() throws(UpError) -> [Service] {
        let all = configuration.project.services
        var wanted = configuration.services.isEmpty ? Array(all.keys) : configuration.services
        var selected: [String: Service] = [:]
        while let name = wanted.popLast() {
            guard selected[name] == nil else { continue }
            guard let service = all[name] else {
                if configuration.services.contains(name) { throw UpError.unknownService(name) }
                continue
            }
            selected[name] = service
            wanted.append(contentsOf: service.dependsOn.keys)
        }
        return selected.values.sorted { $0.name < $1.name }
    }

    /// The project's deployment log, and the deployments an earlier
    /// supervisor left unfinished, marked `interrupted` first. A log that
    /// cannot be opened (corrupt, unwritable) stops `up` with its reason.
    private func openDeploymentLog(_ state: StateDirectory) throws(UpError) -> (LoggedDeployments, [Deployment]) {
        let log: DeploymentLog
        let interrupted: [Deployment]
        do {
            log = try DeploymentLog(path: state.path + "/" + DeploymentLog.fileName)
            interrupted = try log.markUnfinishedInterrupted()
        } catch {
            throw UpError.stateDirectory("\(error)")
        }
        for deployment in interrupted {
            continuation.yield(ServiceEvent(
                service: deployment.service,
                kind: .warning("deployment \(deployment.id) was interrupted when an earlier supervisor ended"),
                elapsed: .zero))
        }
        let events = continuation
        let journal = LoggedDeployments(log: log) { service, message in
            events.yield(ServiceEvent(service: service, kind: .warning(message), elapsed: .zero))
        }
        return (journal, interrupted)
    }

    /// A health check that cannot be planned (`health_path` without a port)
    /// would leave its service `starting` for ever: refused before anything starts.
    private static func checkHealthPlans(_ services: [Service]) throws(UpError) {
        for service in services {
            do {
                _ = try HealthCheckPlan(service: service, primaryPort: service.containerPorts.isEmpty ? nil : 0)
            } catch {
                throw UpError.cannotStart(service: service.name, reason: "\(error)")
            }
        }
    }

    private func createRunners(_ services: [Service], context: RunContext) {
        for service in services { createRunner(service, context: context) }
    }

    func createRunner(_ service: Service, context: RunContext) {
        // Every name of the project, as the CLI's progress lines use, so both line up.
        let width = configuration.project.services.keys.map(\.count).max() ?? 0
        let index = runners.count
        let log = ServiceLog(
            service: service.name, path: context.state.logFile(service: service.name), limits: service.logLimits,
            terminal: configuration.terminal, prefixWidth: width,
            style: TerminalStyle.servicePalette[index % TerminalStyle.servicePalette.count])
        runners[service.name] = ServiceRunner(service: service, context: context, log: log)
        services[service.name] = service
    }

    private func bringUp() async throws(UpError) {
        let runners = self.runners
        let services = self.services
        let failure = await withTaskGroup(of: UpError?.self) { group -> UpError? in
            for (name, runner) in runners {
                guard let service = services[name] else { continue }
                group.addTask { await Self.bringUp(runner, service: service, runners: runners) }
            }
            for await result in group {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Waits for the runner's dependencies, then starts it; returns why it could not.
    static func bringUp(_ runner: ServiceRunner, service: Service, runners: [String: ServiceRunner]) async -> UpError? {
        for (name, dependency) in service.dependsOn.sorted(by: { $0.key < $1.key }) {
            guard let dependencyRunner = runners[name] else { continue }
            let verdict = await dependencyRunner.verdict(for: dependency.condition)
            if Task.isCancelled { return nil }
            guard case let .failed(reason) = verdict else { continue }
            if dependency.required { return await dependencyFailure(name, of: service.name, reason: reason, dependencyRunner) }
            await runner.warn("starts without its optional dependency \(name), which \(reason)")
        }
        if Task.isCancelled { return nil }
        await runner.start()
        return await runner.launchFailure().map { .cannotStart(service: service.name, reason: $0) }
    }

    /// A dependency that could not start is reported as its own failure: its
    /// bring-up task reports the same one, so whichever of the two the
    /// bring-up sees first, the message is the same.
    private static func dependencyFailure(
        _ name: String, of dependent: String, reason: String, _ dependencyRunner: ServiceRunner
    ) async -> UpError {
        let facts = await dependencyRunner.currentFacts()
        if let launchFailure = facts?.launchFailure { return .cannotStart(service: name, reason: launchFailure) }
        return .dependencyFailed(DependencyFailure(
            dependency: name, dependent: dependent, reason: reason,
            exitStatus: facts?.lastExit, lastLines: dependencyRunner.log.lastLines))
    }

    private func dependencyRestarted(_ name: String) async {
        guard !stopping else { return }
        for (dependent, runner) in runners where services[dependent]?.dependsOn[name]?.restart == true {
            await runner.restart(becauseOf: name)
        }
    }

    // MARK: - Stop

    private func stopTask(
        for name: String, among names: Set<String>, timeout: Duration?, tasks: inout [String: Task<Void, Never>]
    ) -> Task<Void, Never> {
        if let task = tasks[name] { return task }
        let dependents = services.values.filter { names.contains($0.name) && $0.dependsOn[name] != nil }
            .map(\.name).sorted()
        let waitFor = dependents.map { stopTask(for: $0, among: names, timeout: timeout, tasks: &tasks) }
        let runner = runners[name]
        let task = Task {
            for dependent in waitFor { await dependent.value }
            await runner?.stop(timeout: timeout)
        }
        tasks[name] = task
        return task
    }

    // MARK: - Status for watchers

    /// Coalesces bursts of changes into one snapshot per watcher.
    private func statusChanged() {
        guard watchers.hasSubscribers, !statusPublishScheduled else { return }
        statusPublishScheduled = true
        Task { await self.publishStatus() }
    }

    private func publishStatus() async {
        statusPublishScheduled = false
        watchers.publish(await snapshot(services: []))
    }
}
