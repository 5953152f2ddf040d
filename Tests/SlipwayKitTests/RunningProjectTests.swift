import Foundation
import SlipwayKit
import SlipwayRuntime
import SlipwayTestSupport
import Testing

/// SlipwayKit against real processes behind the real proxy: every project
/// publishes ephemeral ports, has a temporary state directory, and must
/// leave no process behind once it is down.
@Suite("SlipwayKit: a project as a test fixture")
struct RunningProjectTests {
    /// A web service on ephemeral ports (one exposed only), and a worker
    /// whose child leaves its process group: down must end them all.
    static let stack = """
        services:
          web:
            command: exec python3 server.py
            working_dir: .
            environment: {VERSION: v1}
            ports: ["8000", "0:8001"]
            expose: ["9000"]
            x-slipway: {health_path: /}
          worker:
            command: sh -c 'setsid sleep 1000 & exec sleep 1000'
        """

    struct Planted: Error {}

    @Test func withProjectTakesEveryProcessDownWhenTheBodyThrows() async throws {
        let directory = try ProjectDirectory(Self.stack)
        defer { directory.remove() }
        let options = ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), environment: directory.environment)
        var seen: (address: String, state: String, shims: [Int32], processes: [Int32])?
        await #expect(throws: Planted.self) {
            try await withProject(options) { project in
                try await project.waitUntilHealthy(within: .seconds(120))
                let address = try await project.address(of: "web", port: 8000)
                let records = ProcessRecordStore(StateDirectory(path: project.stateDirectory)).all()
                seen = (address, project.stateDirectory, records.map(\.shim.pid), directory.markedProcesses())
                throw Planted()
            }
        }
        let run = try #require(seen)
        #expect(run.shims.count == 2)
        #expect(run.processes.count >= 3, "web, the worker and its child: \(run.processes)")
        #expect(directory.markedProcesses().isEmpty, "no service left: \(directory.markedProcesses())")
        #expect(run.shims.filter(processExists).isEmpty, "no shim left")
        #expect(await body(at: run.address) == nil, "the published port is closed")
        #expect(!FileManager.default.fileExists(atPath: run.state), "the temporary state directory is removed")
    }

    @Test func aCancelledTestStillTakesItsProjectDown() async throws {
        let directory = try ProjectDirectory(Self.stack)
        defer { directory.remove() }
        let options = ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), environment: directory.environment)
        let (healthy, announce) = AsyncStream.makeStream(of: [Int32].self)
        let test = Task {
            defer { announce.finish() }
            try await withProject(options) { project in
                try await project.waitUntilHealthy(within: .seconds(120))
                announce.yield(directory.markedProcesses())
                try await Task.sleep(for: .seconds(3600))
            }
        }
        var running: [Int32] = []
        for await processes in healthy {
            running = processes
            break
        }
        test.cancel()
        let outcome = await test.result

        #expect(!running.isEmpty)
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(directory.markedProcesses().isEmpty, "\(directory.markedProcesses())")
    }

    @Test func addressesAreTheEphemeralPortsTheProxyBoundAndAMissingOneIsNamed() async throws {
        let directory = try ProjectDirectory(Self.stack)
        defer { directory.remove() }
        let options = ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), environment: directory.environment)
        try await withProject(options) { project in
            try await project.waitUntilHealthy(within: .seconds(120))
            let first = try await project.address(of: "web", port: 8000)
            let second = try await project.address(of: "web", port: 8001)
            let web = try await project.status().instances.first { $0.service == "web" }
            let published = Set((web?.publishers ?? []).map(\.address))
            #expect(first.hasPrefix("127.0.0.1:") && !first.hasSuffix(":8000") && !first.hasSuffix(":0"))
            #expect(published.isSuperset(of: [first, second]), "status() shows what address(of:port:) says")
            #expect(await body(at: first) == "v1")
            #expect(second.hasPrefix("127.0.0.1:") && second != first)
            await #expect(throws: ProjectError.portNotPublished(service: "web", port: 9000, protocol: "tcp")) {
                try await project.address(of: "web", port: 9000)
            }
            await #expect(throws: ProjectError.portNotPublished(service: "web", port: 8000, protocol: "udp")) {
                try await project.address(of: "web", port: 8000, protocol: "udp")
            }
            await #expect(throws: ProjectError.noSuchService("db")) { try await project.address(of: "db", port: 5432) }
        }
        #expect(directory.markedProcesses().isEmpty)
    }

    @Test func downStopsEverythingOnceKeepsAChosenStateDirectoryAndLaterCallsSaySo() async throws {
        let directory = try ProjectDirectory(Self.stack)
        defer { directory.remove() }
        let state = directory.path + "/state"
        let project = try await RunningProject.start(ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), stateDirectory: state,
            environment: directory.environment))
        try await project.waitUntilHealthy(within: .seconds(120))
        let address = try await project.address(of: "web", port: 8000)
        let running = directory.markedProcesses()
        try await project.down()
        let left = directory.markedProcesses()
        try await project.down()

        #expect(project.stateDirectory == state)
        #expect(!running.isEmpty)
        #expect(left.isEmpty, "\(left)")
        #expect(await body(at: address) == nil)
        #expect(FileManager.default.fileExists(atPath: state + "/deployments.sqlite"), "a chosen state directory stays, as after `slipway down`")
        await #expect(throws: ProjectError.projectDown(project.name)) { try await project.status() }
        await #expect(throws: ProjectError.projectDown(project.name)) { try await project.deploy() }
    }

    @Test func waitUntilHealthyNamesAServiceThatExitsWithItsLastLines() async throws {
        let directory = try ProjectDirectory("""
            services:
              db:
                command: sh -c 'echo cannot open the database; exit 3'
                # Never healthy: without a check, a db still running would already count as ready.
                healthcheck: {test: [CMD, "false"], interval: 1h, start_period: 1h}
            """)
        defer { directory.remove() }
        let options = ProjectOptions(files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"))
        let error = await #expect(throws: ProjectError.self) {
            try await withProject(options) { project in try await project.waitUntilHealthy(within: .seconds(120)) }
        }
        guard case .notReady(let service, let reason, let lastLines) = error else {
            Issue.record("expected notReady, got \(String(describing: error))")
            return
        }
        #expect(service == "db")
        #expect(reason == "exited (3)")
        #expect(lastLines.contains("cannot open the database"), "\(lastLines)")
        #expect(error?.description.hasPrefix("service db exited (3)\nlast lines of db:\n") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("\n  cannot open the database\n") == true, "\(error?.description ?? "")")
    }

    @Test func waitUntilHealthyGivesUpAtItsDeadlineNamingWhatItWaitedFor() async throws {
        let directory = try ProjectDirectory("""
            services:
              slow:
                command: sh -c 'echo still warming up; exec sleep 1000'
                healthcheck: {test: [CMD, "false"], interval: 1h, start_period: 1h}
              quick:
                command: exec sleep 1000
            """)
        defer { directory.remove() }
        let options = ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), environment: directory.environment)
        let error = await #expect(throws: ProjectError.self) {
            try await withProject(options) { project in try await project.waitUntilHealthy(within: .milliseconds(300)) }
        }
        guard case .notReadyInTime(let after, let waitingFor, _) = error else {
            Issue.record("expected notReadyInTime, got \(String(describing: error))")
            return
        }
        #expect(after == .milliseconds(300))
        #expect(waitingFor == ["slow"])
        #expect(directory.markedProcesses().isEmpty)
    }

    @Test func aFailedDeployThrowsItsReasonTheOldVersionKeepsServingAndARollbackReturnsToIt() async throws {
        let directory = try ProjectDirectory("""
            services:
              web:
                command: sh -c '[ -z "$$BREAK" ] || { echo cannot open the database; exit 1; }; exec python3 server.py'
                working_dir: .
                environment: {VERSION: v1}
                ports: ["8000"]
                x-slipway: {health_path: /, deploy: {drain: 1s, keep_previous: 0s, monitor: 1s}}
            """)
        defer { directory.remove() }
        let options = ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), environment: directory.environment)
        try await withProject(options) { project in
            try await project.waitUntilHealthy(within: .seconds(120))
            let address = try await project.address(of: "web", port: 8000)
            let error = await #expect(throws: ProjectError.self) {
                try await project.deploy(["web"], environment: ["BREAK": "1"])
            }
            guard case .deployFailed(let entries) = error else {
                Issue.record("expected deployFailed, got \(String(describing: error))")
                return
            }
            #expect(entries.map(\.service) == ["web"])
            #expect(entries.first?.reason.contains("exited before it was ready") == true, "\(entries)")
            #expect(entries.first?.lastLines == ["cannot open the database"])
            #expect(await body(at: address) == "v1")
            let deployed = try await project.deploy(["web"], environment: ["VERSION": "v2"])
            #expect(deployed.entries.map(\.outcome) == [.deployed])
            #expect(await body(at: address) == "v2")
            let rolledBack = try await project.rollback("web")
            #expect(rolledBack.entries.map(\.outcome) == [.deployed])
            #expect(await body(at: address) == "v1")
            await #expect(throws: ProjectError.self) { try await project.rollback("web", to: 999) }
        }
        #expect(directory.markedProcesses().isEmpty)
    }

    @Test func twoCopiesOfOneFileRunAtOnceUnderTheirOwnNames() async throws {
        let directory = try ProjectDirectory(Self.stack)
        defer { directory.remove() }
        @Sendable func serve(_ name: String) async throws -> String {
            let options = ProjectOptions(files: [directory.composeFile], projectName: name, environment: directory.environment)
            return try await withProject(options) { project in
                try await project.waitUntilHealthy(within: .seconds(120))
                let address = try await project.address(of: "web", port: 8000)
                #expect(await body(at: address) == "v1")
                return address
            }
        }
        async let first = serve(ProjectDirectory.uniqueName("one"))
        async let second = serve(ProjectDirectory.uniqueName("two"))
        let addresses = try await [first, second]
        #expect(Set(addresses).count == 2, "\(addresses)")
        #expect(directory.markedProcesses().isEmpty)
    }

    @Test func startRefusesAnInvalidFileAndAMissingSlipwayBeforeRunningAnything() async throws {
        let directory = try ProjectDirectory("""
            services:
              web:
                command: exec sleep 1000
                ports: ["not-a-port"]
            """)
        defer { directory.remove() }
        let invalid = await #expect(throws: ProjectError.self) {
            try await RunningProject.start(ProjectOptions(files: [directory.composeFile]))
        }
        guard case .invalidCompose(let message) = invalid else {
            Issue.record("expected invalidCompose, got \(String(describing: invalid))")
            return
        }
        #expect(message.contains("compose.yaml") && message.contains("ports"), "\(message)")
        await #expect(throws: ProjectError.slipwayNotFound(searched: ["/nonexistent/slipway"])) {
            try await RunningProject.start(ProjectOptions(files: [directory.composeFile], slipwayExecutable: "/nonexistent/slipway"))
        }
        // A slipway without slipway-shim beside it (/bin has true, not the shim).
        let shimless = await #expect(throws: ProjectError.self) {
            try await RunningProject.start(ProjectOptions(files: [directory.composeFile], slipwayExecutable: "/bin/true"))
        }
        guard case .shimNotFound(let reason) = shimless else {
            Issue.record("expected shimNotFound, got \(String(describing: shimless))")
            return
        }
        #expect(reason.contains("slipway-shim at /bin/slipway-shim"), "\(reason)")
    }

    @Test func aProjectThatCannotStartFailsStartAndStopsWhatDidStart() async throws {
        let directory = try ProjectDirectory("""
            services:
              db:
                command: sh -c 'echo $$$$ > @DIR@/db.pid; exec sleep 1000'
                healthcheck: {test: [CMD, test, -s, "@DIR@/db.pid"], interval: 100ms, start_period: 1h}
              migrate:
                command: sh -c 'echo migration broke; exit 1'
                depends_on: {db: {condition: service_healthy}}
              web:
                command: exec sleep 1000
                depends_on: {migrate: {condition: service_completed_successfully}}
            """)
        defer { directory.remove() }
        let options = ProjectOptions(
            files: [directory.composeFile], projectName: ProjectDirectory.uniqueName("kit"), environment: directory.environment)
        let error = await #expect(throws: ProjectError.self) { try await RunningProject.start(options) }
        guard case .cannotStart(_, let reason) = error else {
            Issue.record("expected cannotStart, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("dependency migrate of web failed"), "\(reason)")
        #expect(reason.contains("migration broke"), "\(reason)")
        let db = try #require(Int32(String(contentsOfFile: directory.path + "/db.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!processExists(db), "db, which had started, was stopped again")
        #expect(directory.markedProcesses().isEmpty)
    }
}
