import ComposeKit
import Foundation
import Glibc
import Synchronization
import Testing

@testable import SlipwayRuntime
@testable import SlipwayShim

/// A small supervisor stand-in: services as a table of statuses that
/// requests change, and a watch stream fed by every change.
final class InMemoryProject: ControlRequestHandler {
    private struct State {
        var instances: [InstanceStatus]
        var requests: [ControlRequest] = []
        var watchers: [AsyncStream<ControlEvent>.Continuation] = []
    }

    private let state: Mutex<State>
    let project = "demo"

    init(services: [String]) {
        state = Mutex(State(instances: services.map {
            InstanceStatus(name: "demo-\($0)-1", service: $0, command: "serve \($0)", state: .running, pid: 4242)
        }))
    }

    var requests: [ControlRequest] { state.withLock { $0.requests } }

    var watcherCount: Int { state.withLock { $0.watchers.count } }

    func status(services: [String]) async throws -> StatusSnapshot {
        try state.withLock { state in
            state.requests.append(.status(services: services))
            try Self.check(services, in: state.instances)
            return makeSnapshot(state, services: services)
        }
    }

    func stop(services: [String], timeout: Duration?) async throws -> ActionReport {
        try change(.stop(services: services, timeout: timeout), to: .stopped, outcome: .stopped)
    }

    func start(services: [String]) async throws -> ActionReport {
        try change(.start(services: services), to: .running, outcome: .started)
    }

    func restart(services: [String], timeout: Duration?) async throws -> ActionReport {
        try change(.restart(services: services, timeout: timeout), to: .running, outcome: .restarted)
    }

    func kill(services: [String], signal: Int32) async throws -> ActionReport {
        guard signal != SIGSTOP else { throw TestHandlerError() }
        return try change(.kill(services: services, signal: signal), to: .exited, outcome: .killed)
    }

    func down(timeout: Duration?) async throws -> ActionReport {
        try change(.down(timeout: timeout), to: .stopped, outcome: .removed)
    }

    /// No proxy here: every service answers with no published port.
    func stats(services: [String]) async throws -> StatsSnapshot {
        try state.withLock { state in
            state.requests.append(.stats(services: services))
            try Self.check(services, in: state.instances)
            return StatsSnapshot(project: project, takenAt: Date(timeIntervalSince1970: 1_764_178_000), ports: [])
        }
    }

    func watch(services: [String]) async throws -> AsyncStream<ControlEvent> {
        let (stream, continuation) = AsyncStream<ControlEvent>.makeStream()
        state.withLock { state in
            state.requests.append(.watch(services: services))
            state.watchers.append(continuation)
        }
        return stream
    }

    /// Two steps per named service, then each one deployed.
    func deploy(_ request: DeployRequest, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport {
        try state.withLock { state in
            state.requests.append(.deploy(request))
            try Self.check(request.services, in: state.instances)
        }
        for service in request.services {
            progress(DeployProgress(service: service, instance: "\(service)-2", step: .starting, elapsedMilliseconds: 0))
            progress(DeployProgress(service: service, instance: "\(service)-2", step: .switched, elapsedMilliseconds: 5))
        }
        return DeployReport(entries: request.services.map { DeployReport.Entry(service: $0, outcome: .deployed, deploymentID: 7) })
    }

    func rollback(_ request: RollbackRequest, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport {
        try state.withLock { state in
            state.requests.append(.rollback(request))
            try Self.check([request.service], in: state.instances)
        }
        return DeployReport(entries: [DeployReport.Entry(service: request.service, outcome: .deployed, deploymentID: 8)])
    }

    func promote(service: String, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport {
        try state.withLock { state in
            state.requests.append(.promote(service: service))
            try Self.check([service], in: state.instances)
        }
        return DeployReport(entries: [DeployReport.Entry(service: service, outcome: .deployed, deploymentID: 9)])
    }

    func abort(service: String, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport {
        try state.withLock { state in
            state.requests.append(.abort(service: service))
            try Self.check([service], in: state.instances)
        }
        return DeployReport(entries: [DeployReport.Entry(service: service, outcome: .aborted, deploymentID: 9)])
    }

    /// Changes one service's instance as the supervisor would, telling watchers.
    func update(_ service: String, _ change: (inout InstanceStatus) -> Void) {
        let (snapshot, watchers) = state.withLock { state in
            for index in state.instances.indices where state.instances[index].service == service {
                change(&state.instances[index])
            }
            return (makeSnapshot(state, services: []), state.watchers)
        }
        for watcher in watchers { watcher.yield(.status(snapshot)) }
    }

    /// Ends every watch stream, as a supervisor does when it stops on its own.
    func finishWatchers() {
        let watchers = state.withLock { state in
            defer { state.watchers = [] }
            return state.watchers
        }
        for watcher in watchers { watcher.finish() }
    }

    private func change(_ request: ControlRequest, to newState: InstanceState, outcome: ActionOutcome) throws -> ActionReport {
        let services: [String]
        switch request {
        case .stop(let named, _), .start(let named), .restart(let named, _), .kill(let named, _): services = named
        default: services = []
        }
        let (report, snapshot, watchers) = try state.withLock { state throws -> (ActionReport, StatusSnapshot, [AsyncStream<ControlEvent>.Continuation]) in
            state.requests.append(request)
            try Self.check(services, in: state.instances)
            var entries: [ActionReport.Entry] = []
            for index in state.instances.indices where services.isEmpty || services.contains(state.instances[index].service) {
                state.instances[index].state = newState
                state.instances[index].pid = newState == .running ? 4243 : nil
                entries.append(.init(name: state.instances[index].name, service: state.instances[index].service, outcome: outcome))
            }
            return (ActionReport(entries: entries), makeSnapshot(state, services: []), state.watchers)
        }
        for watcher in watchers { watcher.yield(.status(snapshot)) }
        return report
    }

    private func makeSnapshot(_ state: State, services: [String]) -> StatusSnapshot {
        StatusSnapshot(
            project: project, takenAt: Date(timeIntervalSince1970: 1_764_178_000),
            instances: state.instances.filter { services.isEmpty || services.contains($0.service) })
    }

    private static func check(_ services: [String], in instances: [InstanceStatus]) throws {
        if let unknown = services.first(where: { name in !instances.contains { $0.service == name } }) {
            throw ControlFailure.noSuchService(unknown)
        }
    }
}

struct TestHandlerError: Error, CustomStringConvertible {
    var description: String { "the test handler refuses SIGSTOP" }
}

/// A state directory per test with a server bound in it. `serving` owns it
/// and tears it down however the test's body ends; `start` leaves that to
/// the caller, for the tests about shutdown itself.
struct ServedProject {
    let directory: TemporaryDirectory
    let endpoint: ControlEndpoint
    let project: InMemoryProject
    let server: ControlServer
    let serving: Task<Void, Never>

    static func start(services: [String] = ["db", "web"]) async throws -> ServedProject {
        let directory = try TemporaryDirectory()
        let endpoint = ControlEndpoint(project: "demo", stateDirectory: StateDirectory(path: directory.path + "/state"))
        let project = InMemoryProject(services: services)
        let server = try await ControlServer.bind(endpoint: endpoint, handler: project)
        return ServedProject(directory: directory, endpoint: endpoint, project: project, server: server, serving: Task { await server.run() })
    }

    /// Runs `body` on a fresh served project and closes it afterwards, also
    /// when `body` throws (a failed `try` or `#require`).
    static func serving<Result>(
        services: [String] = ["db", "web"], _ body: (ServedProject) async throws -> Result
    ) async throws -> Result {
        let served = try await start(services: services)
        do {
            let result = try await body(served)
            await served.close()
            return result
        } catch {
            await served.close()
            throw error
        }
    }

    var client: ControlClient { ControlClient(endpoint: endpoint) }

    func close() async {
        let server = self.server, serving = self.serving
        let closed: Void? = await within { await server.shutdown(); await serving.value }
        #expect(closed != nil, "the control server did not shut down")
        directory.remove()
    }
}

@Suite("Control socket: server and client over a real Unix socket")
struct ControlServerTests {
    @Test("status returns the handler's snapshot, filtered by service")
    func status() async throws {
        try await ServedProject.serving { served async throws in
            let snapshot = try await served.client.status()
            #expect(snapshot.project == "demo")
            #expect(snapshot.instances.map(\.name) == ["demo-db-1", "demo-web-1"])
            #expect(snapshot.instances.first?.pid == 4242)
            #expect(try await served.client.status(services: ["web"]).instances.map(\.service) == ["web"])
        }
    }

    @Test("stop, start, restart and kill reach the handler with their services, timeout and signal")
    func actions() async throws {
        try await ServedProject.serving { served async throws in
            let client = served.client

            let stopped = try await client.perform(.stop(services: ["web"], timeout: .seconds(3)))
            #expect(stopped.entries == [.init(name: "demo-web-1", service: "web", outcome: .stopped)])
            #expect(try await client.status(services: ["web"]).instances.first?.state == .stopped)
            #expect(try await client.perform(.start(services: [])).entries.map(\.outcome) == [.started, .started])
            #expect(try await client.perform(.restart(services: ["db"], timeout: nil)).entries.map(\.service) == ["db"])
            #expect(try await client.perform(.kill(services: ["db"], signal: SIGKILL)).entries.map(\.outcome) == [.killed])

            #expect(served.project.requests.filter { if case .status = $0 { false } else { true } } == [
                .stop(services: ["web"], timeout: .seconds(3)), .start(services: []),
                .restart(services: ["db"], timeout: nil), .kill(services: ["db"], signal: SIGKILL),
            ])
        }
    }

    @Test("a handler's ControlFailure reaches the client as its message; other errors as their description")
    func failures() async throws {
        try await ServedProject.serving { served async throws in
            await #expect(throws: ControlClientError.refused(.noSuchService("cache"))) {
                try await served.client.perform(.stop(services: ["cache"], timeout: nil))
            }
            #expect(ControlClientError.refused(.noSuchService("cache")).description == "no such service: cache")
            await #expect(throws: ControlClientError.refused(ControlFailure(kind: .failed, message: "the test handler refuses SIGSTOP"))) {
                try await served.client.perform(.kill(services: [], signal: SIGSTOP))
            }
        }
    }

    @Test("deploy streams each step to the client in order, then the report; the request arrives whole")
    func deployStreamsProgress() async throws {
        let served = try await ServedProject.start()
        let source = ProjectSource(options: LoadOptions(files: ["/srv/compose.yaml"], environment: ["TAG": "v2"], workingDirectory: "/srv"))
        let request = DeployRequest(services: ["web"], force: true, environment: ["FLAG": "1"], project: source)
        let steps = Mutex<[DeployProgress.Step]>([])
        let report = try await served.client.deploy(request) { step in steps.withLock { $0.append(step.step) } }
        #expect(steps.withLock { $0 } == [.starting, .switched])
        #expect(report.entries == [DeployReport.Entry(service: "web", outcome: .deployed, deploymentID: 7)])
        #expect(served.project.requests.last == .deploy(request))
        await #expect(throws: ControlClientError.refused(.noSuchService("cache"))) {
            try await served.client.deploy(DeployRequest(services: ["cache"], project: source)) { _ in }
        }
        await served.close()
    }

    @Test("down is answered before shutdown completes, and the socket file is removed")
    func down() async throws {
        try await ServedProject.serving { served async throws in
            let report = try await served.client.perform(.down(timeout: .milliseconds(1500)))
            #expect(report.entries.map(\.outcome) == [.removed, .removed])
            #expect(served.project.requests.last == .down(timeout: .milliseconds(1500)))
            let server = served.server
            let shutDown: Void? = await within { await server.shutdown() }
            #expect(shutDown != nil, "the server did not shut down after down")
            #expect(!FileManager.default.fileExists(atPath: served.endpoint.socketPath))
            await #expect(throws: ControlClientError.noSupervisor(served.endpoint)) { try await served.client.status() }
        }
    }

    @Test("the state directory is 0700 and the socket 0600")
    func modes() async throws {
        try await ServedProject.serving { served async throws in
            var status = stat()
            #expect(stat(served.endpoint.stateDirectory.path, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o700)
            #expect(stat(served.endpoint.socketPath, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o600)
            #expect(status.st_mode & S_IFMT == S_IFSOCK)
        }
    }

    @Test("a second server for the same project is refused while the first runs, and binds after it stops")
    func secondServer() async throws {
        try await ServedProject.serving { served async throws in
            await #expect(throws: ControlServerError.alreadyRunning(served.endpoint)) {
                _ = try await ControlServer.bind(endpoint: served.endpoint, handler: InMemoryProject(services: []))
            }
            #expect(try await served.client.status().instances.count == 2)
            #expect(ControlServerError.alreadyRunning(served.endpoint).description.contains("project demo is already running"))

            let server = served.server, firstServing = served.serving
            let firstShutDown: Void? = await within { await server.shutdown(); await firstServing.value }
            #expect(firstShutDown != nil, "the first server did not shut down")
            let other = InMemoryProject(services: ["api"])
            let second = try await ControlServer.bind(endpoint: served.endpoint, handler: other)
            let serving = Task { await second.run() }
            let answered = try? await served.client.status().instances.map(\.service)
            let secondShutDown: Void? = await within { await second.shutdown(); await serving.value }
            #expect(secondShutDown != nil, "the second server did not shut down")
            #expect(answered == ["api"])
        }
    }

    @Test("a supervisor killed with SIGKILL leaves the project free: the kernel drops its lock, its socket file is replaced")
    func killedSupervisor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let endpoint = ControlEndpoint(project: "demo", stateDirectory: StateDirectory(path: directory.path + "/state"))
        try endpoint.stateDirectory.prepare()
        #expect(FileManager.default.createFile(atPath: endpoint.socketPath, contents: nil))
        let holder = try ProcessSpawner.spawn(SpawnRequest(
            executable: "/usr/bin/flock", arguments: ["flock", "-o", endpoint.lockPath, "sleep", "1000"],
            environment: ["PATH=/usr/bin:/bin"], descriptors: [:], newSession: true))
        defer { kill(-holder, SIGKILL); waitpid(holder, nil, 0) }
        #expect(await eventually {
            let probe = try? SupervisorLock(path: endpoint.lockPath)
            return probe == nil
        })
        await #expect(throws: ControlServerError.alreadyRunning(endpoint)) {
            _ = try await ControlServer.bind(endpoint: endpoint, handler: InMemoryProject(services: []))
        }

        // flock forks the command and its child holds the lock until it closes it
        // before exec; that child dies on its own schedule, after flock is reaped.
        kill(-holder, SIGKILL)
        waitpid(holder, nil, 0)
        #expect(await eventually {
            let probe = try? SupervisorLock(path: endpoint.lockPath)
            return probe != nil
        })
        let server = try await ControlServer.bind(endpoint: endpoint, handler: InMemoryProject(services: ["web"]))
        let serving = Task { await server.run() }
        #expect(try await ControlClient(endpoint: endpoint).status().instances.map(\.service) == ["web"])
        let shutDown: Void? = await within { await server.shutdown(); await serving.value }
        #expect(shutDown != nil, "the server did not shut down")
    }

    @Test("two projects serve side by side")
    func twoProjects() async throws {
        try await ServedProject.serving(services: ["web"]) { first async throws in
            try await ServedProject.serving(services: ["api", "db"]) { second async throws in
                #expect(try await first.client.status().instances.map(\.service) == ["web"])
                #expect(try await second.client.status().instances.map(\.service) == ["api", "db"])
            }
        }
    }

    @Test("watch streams every change until the server shuts down")
    func watch() async throws {
        try await ServedProject.serving { served async throws in
            let seen = Mutex<[[InstanceState]]>([])
            let watching = Task {
                try await served.client.watch { event in
                    if case .status(let snapshot) = event { seen.withLock { $0.append(snapshot.instances.map(\.state)) } }
                    return true
                }
            }
            #expect(await eventually(within: .seconds(60)) { served.project.watcherCount == 1 })
            _ = try await served.client.perform(.stop(services: ["db"], timeout: nil))
            _ = try await served.client.perform(.kill(services: ["web"], signal: SIGTERM))
            #expect(await eventually(within: .seconds(60)) { seen.withLock { $0.count } == 3 })
            let server = served.server
            let watchEnded: Void? = await within { await server.shutdown(); try await watching.value }
            #expect(watchEnded != nil, "the watch did not end with the server")
            #expect(seen.withLock { $0 } == [[.running, .running], [.stopped, .running], [.stopped, .exited]])
        }
    }

    @Test("watch starts with the current status, and ends when the supervisor finishes the stream or the client stops it")
    func watchEnds() async throws {
        try await ServedProject.serving { served async throws in
            let ended = Task { try await served.client.watch { _ in true } }
            #expect(await eventually(within: .seconds(60)) { served.project.watcherCount == 1 })
            served.project.finishWatchers()
            let watchFinished: Void? = await within { try await ended.value }
            #expect(watchFinished != nil, "the watch did not end when the supervisor finished it")

            let first = Task {
                var states: [InstanceState] = []
                try await served.client.watch { event in
                    if case .status(let snapshot) = event { states = snapshot.instances.map(\.state) }
                    return false
                }
                return states
            }
            #expect(await within { try await first.value } == [.running, .running])
        }
    }
}
