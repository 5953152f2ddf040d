import ComposeKit
import Foundation
import Glibc
import Testing

@testable import SlipwayRuntime

@Suite("up --wait readiness: the rule and the wait over a real socket")
struct ControlReadinessTests {
    private func instance(
        _ service: String, _ state: InstanceState, health: HealthStatus? = nil, exitCode: Int32 = 0
    ) -> InstanceStatus {
        InstanceStatus(name: "demo-\(service)-1", service: service, command: "run", state: state, health: health, exitCode: exitCode)
    }

    private func verdict(_ instances: [InstanceStatus], oneShots: Set<String> = ["migrate"]) -> ReadinessVerdict {
        ReadinessRule(oneShots: oneShots).verdict(StatusSnapshot(project: "demo", instances: instances))
    }

    @Test("running without a health check or healthy is ready; a one-shot that exited 0 is ready")
    func ready() {
        #expect(verdict([instance("db", .running, health: .healthy), instance("web", .running), instance("migrate", .exited)]) == .ready)
    }

    @Test("created, starting, restarting and health still starting are waited for")
    func waiting() {
        let instances = [
            instance("db", .running, health: .starting), instance("web", .created), instance("api", .starting),
            instance("worker", .restarting), instance("cache", .running),
        ]
        #expect(verdict(instances) == .waiting(["demo-db-1", "demo-web-1", "demo-api-1", "demo-worker-1"]))
    }

    @Test("an exit, an unhealthy check, a stop, or a one-shot exiting non-zero fails, naming the instance")
    func failures() {
        let crashed = instance("web", .exited, exitCode: 1)
        #expect(verdict([instance("db", .running), crashed]) == .failed(crashed, reason: "exited (1)"))
        let finished = instance("web", .exited)
        #expect(verdict([finished]) == .failed(finished, reason: "exited (0)"))
        let migration = instance("migrate", .exited, exitCode: 3)
        #expect(verdict([migration]) == .failed(migration, reason: "exited (3)"))
        let sick = instance("db", .running, health: .unhealthy)
        #expect(verdict([sick]) == .failed(sick, reason: "is unhealthy"))
        let stopped = instance("db", .stopped)
        #expect(verdict([stopped]) == .failed(stopped, reason: "was stopped"))
    }

    @Test("the one-shots are the services a dependent needs with service_completed_successfully")
    func oneShotsFromProject() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
            services:
              db: {command: ["db"]}
              migrate:
                command: ["migrate"]
                depends_on: {db: {condition: service_healthy}}
              web:
                command: ["web"]
                depends_on:
                  migrate: {condition: service_completed_successfully}
                  db: {condition: service_started}
            """.write(toFile: directory.path + "/compose.yaml", atomically: true, encoding: .utf8)
        let project = try ProjectLoader(options: LoadOptions(environment: [:], workingDirectory: directory.path)).load().project
        #expect(ReadinessRule(project: project) == ReadinessRule(oneShots: ["migrate"]))
    }

    @Test("the wait returns ready once the last instance becomes healthy and the one-shot exits 0")
    func waitReady() async throws {
        try await ServedProject.serving(services: ["db", "migrate", "web"]) { served async throws in
            served.project.update("db") { $0.health = .starting }
            let wait = Task { try await ReadinessWait(client: served.client, rule: ReadinessRule(oneShots: ["migrate"])).run(timeout: .seconds(60)) }
            #expect(await eventually { served.project.watcherCount == 1 })
            served.project.update("migrate") { $0.state = .exited }
            served.project.update("db") { $0.health = .healthy }
            #expect(try await wait.value == .ready)
        }
    }

    @Test("the wait fails as soon as an instance exits, naming it")
    func waitFails() async throws {
        try await ServedProject.serving(services: ["db", "web"]) { served async throws in
            served.project.update("db") { $0.health = .starting }
            let wait = Task { try await ReadinessWait(client: served.client, rule: ReadinessRule(oneShots: [])).run(timeout: .seconds(60)) }
            #expect(await eventually { served.project.watcherCount == 1 })
            served.project.update("web") {
                $0.state = .exited
                $0.exitCode = 2
            }
            let outcome = try await wait.value
            guard case .failed(let instance, let reason) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(instance.name == "demo-web-1")
            #expect(reason == "exited (2)")
        }
    }

    @Test("the wait times out naming what is still not ready")
    func waitTimesOut() async throws {
        try await ServedProject.serving(services: ["db", "web"]) { served async throws in
            served.project.update("db") { $0.health = .starting }
            let outcome = try await ReadinessWait(client: served.client, rule: ReadinessRule(oneShots: [])).run(timeout: .milliseconds(300))
            #expect(outcome == .timedOut(waitingFor: ["demo-db-1"]))
        }
    }

    @Test("a timeout that passes before the first status arrives still names what is not ready")
    func timeoutBeforeFirstStatus() async throws {
        try await ServedProject.serving(services: ["db", "web"]) { served async throws in
            served.project.update("db") { $0.health = .starting }
            let outcome = try await ReadinessWait(client: served.client, rule: ReadinessRule(oneShots: [])).run(timeout: .zero)
            #expect(outcome == .timedOut(waitingFor: ["demo-db-1"]))
        }
    }

    @Test("without a supervisor the wait says so")
    func waitWithoutSupervisor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let endpoint = ControlEndpoint(project: "demo", stateDirectory: StateDirectory(path: directory.path))
        await #expect(throws: ControlClientError.noSupervisor(endpoint)) {
            try await ReadinessWait(client: ControlClient(endpoint: endpoint), rule: ReadinessRule(oneShots: [])).run(timeout: .seconds(5))
        }
    }

    @Test("a failed service's last lines come from its log file")
    func lastLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try LogRecordWriter(path: directory.path + "/web.log")
        for index in 1...30 { writer.append("line \(index)", stream: index % 2 == 0 ? .err : .out) }
        let last = LogReader.last(20, of: LogSource(service: "web", path: directory.path + "/web.log"))
        #expect(last.map(\.text) == (11...30).map { "line \($0)" })
    }
}
