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
    private let proxy = ReverseProxy(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    private var runners: [String: ServiceRunner] = [:]
    private var lock: SupervisorLock?
    private var stopping = false

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
        do { try state.prepare() } catch { throw UpError.stateDirectory(error.description) }
        lock = try Self.lock(ControlEndpoint(project: configuration.project.name, stateDirectory: state))
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
            instanceRestarted: { name in Task { await self.dependencyRestarted(name) } })
        // A stop that came while the listeners were opening found no runner to stop.
        guard !stopping else { return }
        createRunners(selection, context: context)
        try await bringUp()
    }

    /// Returns once no service runs any more and none will restart.
    public func waitUntilAllEnded() async {
        for runner in runners.values { await runner.waitUntilFinished() }
    }

    /// Stops every service, dependents before their dependencies, each with
    /// its stop_signal and grace period, then closes the proxy listeners.
    public func stop() async {
        stopping = true
        var tasks: [String: Task<Void, Never>] = [:]
        for name in runners.keys.sorted() { _ = stopTask(for: name, tasks: &tasks) }
        for task in tasks.values { await task.value }
        await proxy.shutdown()
        lock?.release()
        lock = nil
        continuation.finish()
    }

    /// SIGKILL to every service's process group (a second Ctrl-C).
    public func kill() async {
        for runner in runners.values { await runner.kill() }
    }

    // MARK: - Bring-up

    /// One supervisor per project (the same lock the control server holds).
    private static func lock(_ endpoint: ControlEndpoint) throws(UpError) -> SupervisorLock {
        let lock: SupervisorLock?
        do {
            lock = try SupervisorLock(path: endpoint.lockPath)
        } catch {
            throw UpError.stateDirectory("\(error)")
        }
        guard let lock else { throw UpError.alreadyRunning(stateDirectory: endpoint.stateDirectory.path) }
        return lock
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
            let failure = DependencyFailure(
                dependency: name, dependent: service.name, reason: reason,
                exitStatus: await dependencyRunner.facts.lastExit, lastLines: dependencyRunner.log.lastLines)
            if dependency.required { return .dependencyFailed(failure) }
            await runner.warn("starts without its optional dependency \(name), which \(reason)")
        }
        if Task.isCancelled { return nil }
        await runner.start()
        return await runner.facts.launchFailure.map { .cannotStart(service: service.name, reason: $0) }
    }

    private func dependencyRestarted(_ name: String) async {
        guard !stopping else { return }
        for runner in runners.values where runner.service.dependsOn[name]?.restart == true {
            await runner.restart(becauseOf: name)
        }
    }

    // MARK: - Stop

    private func stopTask(for name: String, tasks: inout [String: Task<Void, Never>]) -> Task<Void, Never> {
        if let task = tasks[name] { return task }
        let dependents = runners.values.filter { $0.service.dependsOn[name] != nil }.map(\.service.name).sorted()
        let waitFor = dependents.map { stopTask(for: $0, tasks: &tasks) }
        let runner = runners[name]
        let task = Task {
            for dependent in waitFor { await dependent.value }
            await runner?.stop()
        }
        tasks[name] = task
        return task
    }
}
