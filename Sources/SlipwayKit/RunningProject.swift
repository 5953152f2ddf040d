import ComposeKit
import Foundation
import Glibc
import SlipwayRuntime

/// A compose project run for a test: a supervisor inside the test process
/// starts every service as a real process behind the real proxy, as `slipway
/// up` does. `withProject(_:_:)` is the way to start one that is always taken
/// down; `start(_:)` and `down()` are the two halves.
public actor RunningProject {
    /// The project name, which prefixes every instance's (`<project>-web-1`).
    public nonisolated let name: String
    /// Logs, control socket, deployment log: `slipway -p NAME --state-dir
    /// PATH ps` (or `logs`, `deployments`) looks at the running project from a shell.
    public nonisolated let stateDirectory: String
    private let project: Project
    private let source: ProjectSource
    private let supervisor: Supervisor
    private let ownsStateDirectory: Bool
    /// Drains the supervisor's progress events, which nothing here renders.
    private let events: Task<Void, Never>
    /// Set by the first `down()`; every later call awaits it.
    private var teardown: Task<Bool, Never>?

    private init(project: Project, source: ProjectSource, supervisor: Supervisor, state: StateDirectory, owned: Bool) {
        name = project.name
        stateDirectory = state.path
        self.project = project
        self.source = source
        self.supervisor = supervisor
        ownsStateDirectory = owned
        let stream = supervisor.events
        events = Task { for await _ in stream {} }
    }

    /// Loads the files and starts every service (dependencies first, behind
    /// their `depends_on` conditions); returns once each has been started,
    /// not once it is healthy: `waitUntilHealthy(within:)` waits for that.
    /// When a service cannot start, what did start is stopped before this throws.
    public static func start(_ options: ProjectOptions) async throws(ProjectError) -> RunningProject {
        let environment = ProcessInfo.processInfo.environment.merging(options.environment) { $1 }
        let slipway = try SlipwayExecutable.locate(options.slipwayExecutable, environment: environment)
        let shim: String
        do { shim = try ShimExecutable.beside(slipway) } catch { throw .shimNotFound(error.description) }
        let load = LoadOptions(
            files: options.files, projectName: options.projectName, environment: environment,
            requestedServices: options.services)
        let project: Project
        do { project = try ProjectLoader(options: load).load().project } catch { throw .invalidCompose(error.description) }
        let state = if let chosen = options.stateDirectory {
            StateDirectory.resolve(project: project.name, override: chosen, environment: [:])
        } else {
            try temporaryStateDirectory()
        }
        let supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: project, services: options.services, stateDirectory: state, shimExecutable: shim,
            terminal: nil, environment: environment))
        let running = RunningProject(
            project: project, source: ProjectSource(options: load), supervisor: supervisor, state: state,
            owned: options.stateDirectory == nil)
        do {
            try await supervisor.up()
        } catch {
            try? await running.down()
            throw .cannotStart(project: project.name, reason: error.description)
        }
        return running
    }

    /// Returns once every service is ready as `up --wait` counts it: healthy,
    /// or running when it has no health check, and every one-shot that a
    /// dependent needs with `service_completed_successfully` exited 0.
    /// Throws as soon as a service exits, is stopped or turns unhealthy, and
    /// once `timeout` passes; the error carries the services' last log lines.
    public func waitUntilHealthy(within timeout: Duration) async throws(ProjectError) {
        try checkUp()
        switch await ReadinessDeadline(rule: ReadinessRule(project: project), timeout: timeout).verdict(of: supervisor) {
        case .ready:
            return
        case .failed(let instance, let reason):
            throw .notReady(service: instance.service, reason: reason, lastLines: lastLines(of: instance.service))
        case .waiting(let names):
            let instances = (try? await supervisor.status(services: []).instances) ?? []
            let services = Set(instances.filter { names.contains($0.name) }.map(\.service)).sorted()
            throw .notReadyInTime(
                after: timeout, waitingFor: services,
                lastLines: Dictionary(uniqueKeysWithValues: services.map { ($0, lastLines(of: $0)) }))
        }
    }

    /// Every instance as `slipway ps -a` sees it: state, health, pid, published ports.
    public func status() async throws(ProjectError) -> StatusSnapshot {
        try checkUp()
        // Only a service the project does not run makes `status` throw, and none is named here.
        return (try? await supervisor.status(services: [])) ?? StatusSnapshot(project: name, instances: [])
    }

    /// Where the service's container port is published, `HOST:PORT`
    /// (`127.0.0.1:41873`), as `slipway port SERVICE PORT` prints it.
    public func address(of service: String, port: Int, protocol: String = "tcp") async throws(ProjectError) -> String {
        let snapshot = try await status()
        guard snapshot.instances.contains(where: { $0.service == service }) else { throw .noSuchService(service) }
        guard let publisher = snapshot.published(service: service, port: port, protocol: `protocol`) else {
            throw .portNotPublished(service: service, port: port, protocol: `protocol`)
        }
        return publisher.address
    }

    /// `slipway deploy`: reads the files again and replaces each named
    /// service (all when none is named) whose definition changed, or every
    /// one with `force`, as its deploy plan says (blue-green behind the
    /// proxy for a service with ports, docs/deploy.md). `environment` is set
    /// in the deployed services' environment (`--env`). Returns once each
    /// new version is live; throws when one failed.
    @discardableResult
    public func deploy(
        _ services: [String] = [], environment: [String: String] = [:], force: Bool = false,
        progress: @escaping @Sendable (DeployProgress) -> Void = { _ in }
    ) async throws(ProjectError) -> DeployReport {
        try checkUp()
        let request = DeployRequest(services: services, force: force, environment: environment, project: source)
        let report: DeployReport
        do { report = try await supervisor.deploy(request, progress: progress) } catch { throw .deployRefused("\(error)") }
        guard report.failed.isEmpty else { throw .deployFailed(report.failed) }
        return report
    }

    /// `slipway rollback SERVICE [--to ID]`: the service returns to an
    /// earlier deployment (the last one before the serving version that went
    /// live, or `deployment`) through the deploy path (docs/deploy.md).
    /// Throws when it is refused or fails.
    @discardableResult
    public func rollback(
        _ service: String, to deployment: Int64? = nil, progress: @escaping @Sendable (DeployProgress) -> Void = { _ in }
    ) async throws(ProjectError) -> DeployReport {
        try checkUp()
        let report: DeployReport
        do {
            report = try await supervisor.rollback(RollbackRequest(service: service, to: deployment), progress: progress)
        } catch {
            throw .deployRefused("\(error)")
        }
        guard report.failed.isEmpty else { throw .deployFailed(report.failed) }
        return report
    }

    /// `slipway down`: stops every service (dependents first), closes every
    /// published port, and returns once every process of the project is
    /// gone; a temporary state directory is removed. It runs to its end even
    /// in a cancelled task. A later call waits for the same teardown.
    public func down() async throws(ProjectError) {
        let teardown = self.teardown ?? tearDown()
        self.teardown = teardown
        guard await teardown.value else { throw .processesLeft(project: name, after: Self.shutdownDeadline) }
    }

    /// How long `down` waits for the last process to end after the stop.
    static let shutdownDeadline = Duration.seconds(60)

    /// Unstructured, so a cancelled test does not cut the stop short;
    /// true once nothing of the project runs any more.
    private func tearDown() -> Task<Bool, Never> {
        let supervisor = supervisor
        let endpoint = ControlEndpoint(project: name, stateDirectory: StateDirectory(path: stateDirectory))
        let events = events
        let owned = ownsStateDirectory ? stateDirectory : nil
        return Task {
            let processes = ShutdownWait(endpoint: endpoint)
            _ = try? await supervisor.down(timeout: nil)
            await supervisor.stop()
            let gone = await processes.wait(timeout: Self.shutdownDeadline)
            await events.value
            if let owned { try? FileManager.default.removeItem(atPath: owned) }
            return gone
        }
    }

    private func checkUp() throws(ProjectError) {
        if teardown != nil { throw .projectDown(name) }
    }

    private func lastLines(of service: String) -> [String] {
        let log = LogSource(service: service, path: StateDirectory(path: stateDirectory).logFile(service: service))
        return LogReader.last(ServiceLog.keptLines, of: log).map(\.text)
    }

    /// `slipway-XXXXXX` in the temporary directory, made 0700 by `mkdtemp`.
    private static func temporaryStateDirectory() throws(ProjectError) -> StateDirectory {
        var template = Array((FileManager.default.temporaryDirectory.path + "/slipway-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw .stateDirectory(String(cString: strerror(errno))) }
        return StateDirectory(path: String(cString: made))
    }
}
