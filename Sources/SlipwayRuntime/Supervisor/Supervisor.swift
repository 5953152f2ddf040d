import ComposeKit
import Foundation
import NIOPosix
import SlipwayProxy

/// Runs a project's services as processes: brings them up in dependency
/// order behind their conditions, keeps them running, stops them in reverse.
public actor Supervisor {
    /// Every service's progress, for the CLI to render.
    public nonisolated let events: AsyncStream<ServiceEvent>
    private let continuation: AsyncStream<ServiceEvent>.Continuation
    private let configuration: SupervisorConfiguration
    let proxy = ReverseProxy(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    var runners: [String: ServiceRunner] = [:]
    private var control: ControlServer?
    private var serving: Task<Void, Never>?
    var stopping = false
    /// Published ports per service, as `ps` shows them.
    var publishers: [String: [PortPublisher]] = [:]
    /// Published ports with their proxy listeners, as `stats` reports them.
    var publishedListeners: [PublishedListener] = []
    let watchers = StatusWatchers()
    private var statusPublishScheduled = false
    /// Fired by `down` or `stop()`: the owner then finishes with `stop()` and exits.
    let endRequested = ShutdownSignal()

    var project: String { configuration.project.name }
    var stateDirectory: StateDirectory { configuration.stateDirectory }

    public init(configuration: SupervisorConfiguration) {
        self.configuration = configuration
        (events, continuation) = AsyncStream.makeStream(of: ServiceEvent.self)
    }

    /// Starts every selected service once its dependencies meet their
    /// conditions. Throws (having started nothing further) when a required
    /// dependency fails; the caller then stops what did start with `stop()`.
    public func up() async throws(UpError) {
        let selection = try selectedServices()
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
        let endpoints = try await ServiceEndpoints.open(for: selection, proxy: proxy)
        let context = RunContext(
            shimExecutable: configuration.shimExecutable, state: state, records: records, events: continuation,
            ports: PortAllocator(), probes: ProbeLimiter(), proxy: proxy, endpoints: endpoints,
            baseEnvironment: configuration.environment,
            instanceRestarted: { name in Task { await self.dependencyRestarted(name) } },
            statusChanged: { Task { await self.statusChanged() } })
        // A stop that came while the listeners were opening found no runner to stop.
        guard !stopping else { return }
        publishers = Self.publishers(selection, endpoints: endpoints)
        publishedListeners = endpoints.publishedListeners
        createRunners(selection, context: context)
        try await bringUp()
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

    private func createRunners(_ services: [Service], context: RunContext) {
        // Every name of the project, as the CLI's progress lines use, so both line up.
        let width = configuration.project.services.keys.map(\.count).max() ?? 0
        for (index, service) in services.enumerated() {
            let log = ServiceLog(
                service: service.name, path: context.state.logFile(service: service.name),
                terminal: configuration.terminal, prefixWidth: width,
                style: TerminalStyle.servicePalette[index % TerminalStyle.servicePalette.count])
            runners[service.name] = ServiceRunner(service: service, context: context, log: log)
        }
    }

    private func bringUp() async throws(UpError) {
        let runners = self.runners
        let failure = await withTaskGroup(of: UpError?.self) { group -> UpError? in
            for runner in runners.values {
                group.addTask { await Self.bringUp(runner, runners: runners) }
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
    private static func bringUp(_ runner: ServiceRunner, runners: [String: ServiceRunner]) async -> UpError? {
        let service = runner.service
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
        return await runner.facts.launchFailure.map { .cannotStart(service: service.name, reason: $0) }
    }

    /// A dependency that could not start is reported as its own failure: its
    /// bring-up task reports the same one, so whichever of the two the
    /// bring-up sees first, the message is the same.
    private static func dependencyFailure(
        _ name: String, of dependent: String, reason: String, _ dependencyRunner: ServiceRunner
    ) async -> UpError {
        let facts = await dependencyRunner.facts
        if let launchFailure = facts.launchFailure { return .cannotStart(service: name, reason: launchFailure) }
        return .dependencyFailed(DependencyFailure(
            dependency: name, dependent: dependent, reason: reason,
            exitStatus: facts.lastExit, lastLines: dependencyRunner.log.lastLines))
    }

    private func dependencyRestarted(_ name: String) async {
        guard !stopping else { return }
        for runner in runners.values where runner.service.dependsOn[name]?.restart == true {
            await runner.restart(becauseOf: name)
        }
    }

    // MARK: - Stop

    private func stopTask(
        for name: String, among names: Set<String>, timeout: Duration?, tasks: inout [String: Task<Void, Never>]
    ) -> Task<Void, Never> {
        if let task = tasks[name] { return task }
        let dependents = runners.values.filter { names.contains($0.service.name) && $0.service.dependsOn[name] != nil }
            .map(\.service.name).sorted()
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
