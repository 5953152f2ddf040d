import Foundation
import SlipwayTestSupport
import Glibc
import SlipwayStore
import Synchronization
import Testing

/// `slipway deployments` against a log file filled through the store's API,
/// with no supervisor running (except where `down` is the subject).
@Suite("deployments command")
struct DeploymentsCommandTests {
    static let compose = """
        services:
          web:
            command: sleep 1000
        """
    /// Every command runs in UTC so the times it prints are known.
    static let utc = ["TZ": "UTC"]
    /// 2026-12-04T10:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_796_378_400)

    /// web 1 (up, active then superseded), worker 1 (up, active), web 2
    /// (deploy, active), web 3 (deploy, failed), web 4 (rollback of 2, pending).
    private func fill(_ stack: TestStack) throws -> [Deployment] {
        try FileManager.default.createDirectory(atPath: stack.stateDirectory, withIntermediateDirectories: true)
        let clock = ManualClock(Self.start)
        let log = try DeploymentLog(path: stack.deploymentLogPath, clock: clock.read)
        let webOne = try log.begin(service: "web", source: .up, snapshot: #"{"command":["v1"]}"#, snapshotHash: "h1")
        clock.advance(0.5)
        try log.transition(webOne.id, to: .starting)
        clock.advance(2)
        try log.recordHealthy(webOne.id, detail: "healthy after 1 check")
        try log.transition(webOne.id, to: .active)
        let worker = try log.begin(service: "worker", source: .up, snapshot: "{}", snapshotHash: "w1")
        try log.transition(worker.id, to: .starting)
        clock.advance(0.35)
        try log.transition(worker.id, to: .active)
        clock.advance(60)
        let webTwo = try log.begin(service: "web", source: .deploy, snapshot: #"{"command":["v2"]}"#, snapshotHash: "h2", from: webOne.id)
        try log.transition(webTwo.id, to: .starting)
        clock.advance(4)
        try log.transition(webTwo.id, to: .switching)
        try log.recordSwitch(webTwo.id, detail: "127.0.0.1:8080 -> 127.0.0.1:41002")
        clock.advance(0.1)
        try log.transition(webTwo.id, to: .active)
        try log.transition(webOne.id, to: .superseded, reason: "deployment \(webTwo.id) is live")
        clock.advance(120)
        let webThree = try log.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "h3", from: webTwo.id)
        try log.transition(webThree.id, to: .starting)
        clock.advance(75)
        try log.record(.health, detail: "unhealthy: connection refused\nlast line: listening on :9", for: webThree.id)
        try log.transition(webThree.id, to: .failed, reason: "never healthy within 75s; the running version kept serving", exitCode: 3)
        clock.advance(30)
        let webFour = try log.begin(
            service: "web", source: .rollback, snapshot: webOne.snapshot, snapshotHash: "h1", from: webTwo.id, rollbackOf: webTwo.id)
        return try [webOne, worker, webTwo, webThree, webFour].map { try #require(try log.deployment(id: $0.id)) }
    }

    @Test func theTableListsNewestFirstWithDurationsAndReasons() async throws {
        try await withStack(Self.compose) { stack in
            _ = try fill(stack)
            let listed = try await stack.run(["deployments"], environment: Self.utc)
            #expect(listed.status == 0, "\(listed.errors)")
            #expect(listed.output.split(separator: "\n") == [
                "ID   SERVICE   STATUS       SOURCE     CREATED               DURATION   REASON",
                "5    web       pending      rollback   2026-12-04 10:04:51",
                "4    web       failed       deploy     2026-12-04 10:03:06   1m15s      never healthy within 75s; the running version kept serving",
                "3    web       active       deploy     2026-12-04 10:01:02   4.1s",
                "2    worker    active       up         2026-12-04 10:00:02   350ms",
                "1    web       superseded   up         2026-12-04 10:00:00   2.5s       deployment 3 is live",
            ])
        }
    }

    @Test func aServiceAndALimitNarrowTheList() async throws {
        try await withStack(Self.compose) { stack in
            _ = try fill(stack)
            let web = try await stack.run(["deployments", "web", "--limit", "2"], environment: Self.utc)
            let worker = try await stack.run(["deployments", "worker"], environment: Self.utc)
            let none = try await stack.run(["deployments", "cache"], environment: Self.utc)
            #expect(web.status == 0, "\(web.errors)")
            #expect(web.output.split(separator: "\n").map { $0.prefix(4).trimmingCharacters(in: .whitespaces) } == ["ID", "5", "4"])
            #expect(worker.output.split(separator: "\n").count == 2)
            #expect(worker.output.contains("worker    active"))
            #expect(none.status == 0)
            #expect(none.output.split(separator: "\n") == ["ID   SERVICE   STATUS   SOURCE   CREATED   DURATION   REASON"])
        }
    }

    @Test func jsonUsesPsFieldConventions() async throws {
        try await withStack(Self.compose) { stack in
            let filled = try fill(stack)
            let listed = try await stack.run(["deployments", "--format", "json", "--limit", "3"])
            #expect(listed.status == 0, "\(listed.errors)")
            let records = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
            #expect(records.map { $0["ID"] as? Int } == [5, 4, 3])
            let rollback = records[0]
            #expect(rollback["Service"] as? String == "web")
            #expect(rollback["Status"] as? String == "pending")
            #expect(rollback["Source"] as? String == "rollback")
            #expect(rollback["RollbackOf"] as? Int == 3)
            #expect(rollback["FinishedAt"] as? String == "")
            #expect(rollback["Reason"] as? String == "")
            #expect(rollback["Sequence"] as? Int == 4)
            let failed = records[1]
            #expect(failed["CreatedAt"] as? String == "2026-12-04T10:03:06.950000000Z")
            #expect(failed["FinishedAt"] as? String == "2026-12-04T10:04:21.950000000Z")
            #expect(failed["Reason"] as? String == filled[3].reason)
            #expect(failed["RollbackOf"] as? Int == 0)
            #expect(Set(failed.keys) == ["ID", "Service", "Sequence", "Status", "Source", "CreatedAt", "FinishedAt", "Reason", "RollbackOf"])
        }
    }

    @Test func showPrintsTheTimeline() async throws {
        try await withStack(Self.compose) { stack in
            _ = try fill(stack)
            let shown = try await stack.run(["deployments", "show", "3"], environment: Self.utc)
            #expect(shown.status == 0, "\(shown.errors)")
            let lines = shown.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.prefix(9) == [
                "Deployment   3",
                "Service      web (deployment 2 of the service)",
                "Status       active",
                "Source       deploy",
                "From         deployment 1",
                "Created      2026-12-04 10:01:02",
                "Switched     2026-12-04 10:01:06 (+4.0s)",
                "Finished     2026-12-04 10:01:06 (+4.1s)",
                "Snapshot     h2",
            ])
            #expect(lines.dropFirst(9).filter { !$0.isEmpty } == [
                "TIME           ELAPSED   KIND           DETAIL",
                "10:01:02.850   +0ms      status         -> pending (deploy)",
                "10:01:02.850   +0ms      status         pending -> starting",
                "10:01:06.850   +4.0s     status         starting -> switching",
                "10:01:06.850   +4.0s     proxy_switch   127.0.0.1:8080 -> 127.0.0.1:41002",
                "10:01:06.950   +4.1s     status         switching -> active",
            ])
            let json = try await stack.run(["deployments", "show", "4", "--format", "json"])
            let record = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            let events = try #require(record["Events"] as? [[String: Any]])
            #expect(record["Status"] as? String == "failed")
            #expect(events.map { $0["Kind"] as? String } == ["status", "status", "health", "status"])
            #expect(events[2]["Detail"] as? String == "unhealthy: connection refused\nlast line: listening on :9")
        }
    }

    @Test func anUnknownIDIsAClearError() async throws {
        try await withStack(Self.compose) { stack in
            _ = try fill(stack)
            let shown = try await stack.run(["deployments", "show", "99"])
            #expect(shown.status == 1)
            #expect(shown.errors.contains("error: there is no deployment with id 99 in \(stack.deploymentLogPath)"), "\(shown.errors)")
            let malformed = try await stack.run(["deployments", "show", "web"])
            #expect(malformed.status == 2)
            #expect(malformed.errors.contains("a deployment ID is a positive number"), "\(malformed.errors)")
            let zero = try await stack.run(["deployments", "--limit", "0"])
            #expect(zero.status == 2)
            let limitedShow = try await stack.run(["deployments", "show", "3", "--limit", "2"])
            #expect(limitedShow.status == 2)
            #expect(limitedShow.errors.contains("--limit lists deployments; show prints one"), "\(limitedShow.errors)")
        }
    }

    @Test func noLogYetSaysSoAndCreatesNothing() async throws {
        try await withStack(Self.compose) { stack in
            let listed = try await stack.run(["deployments"])
            #expect(listed.status == 1)
            #expect(listed.output.isEmpty)
            #expect(listed.errors.contains("no deployments recorded yet: \(stack.deploymentLogPath) does not exist"), "\(listed.errors)")
            #expect(!FileManager.default.fileExists(atPath: stack.deploymentLogPath))
        }
    }

    @Test func aCorruptLogIsAClearErrorAndStaysAsItWas() async throws {
        try await withStack(Self.compose) { stack in
            try FileManager.default.createDirectory(atPath: stack.stateDirectory, withIntermediateDirectories: true)
            var generator = SystemRandomNumberGenerator()
            let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try garbage.write(to: URL(fileURLWithPath: stack.deploymentLogPath))
            let listed = try await stack.run(["deployments"])
            #expect(listed.status == 3)
            #expect(listed.errors.contains("the deployment log \(stack.deploymentLogPath) is damaged"), "\(listed.errors)")
            #expect(listed.errors.contains("move it aside"), "\(listed.errors)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: stack.deploymentLogPath)) == garbage)
        }
    }

    /// The `sqlite3` shell, another process, holds the write lock with an
    /// uncommitted change while `slipway deployments` reads.
    @Test func listingDoesNotWaitForAnotherProcessWriting() async throws {
        try await withStack(Self.compose) { stack in
            _ = try fill(stack)
            let input = try InputPipe()
            let output = try CapturedOutput()
            let shell: ChildProcess
            do {
                defer {
                    input.childStarted()
                    output.childStarted()
                }
                shell = try ChildProcess(
                    "/usr/bin/sqlite3", [stack.deploymentLogPath],
                    environment: ["SLIPWAY_E2E_RUN": stack.runID, "PATH": "/usr/bin:/bin"],
                    stdin: input.readEnd, stdout: output.writeEnd, stderr: output.writeEnd)
            }
            defer { shell.signal(SIGTERM) }
            input.write("""
                BEGIN EXCLUSIVE;
                UPDATE deployments SET status = 'failed' WHERE id = 3;
                SELECT 'lock held';

                """)
            #expect(await eventually(within: .seconds(30)) { output.text.contains("lock held") }, "\(output.text)")

            let during = try await stack.run(["deployments", "--format", "json"])
            input.write("COMMIT;\n")
            input.finish()
            #expect(await eventually(within: .seconds(30)) { !shell.isRunning })
            let after = try await stack.run(["deployments", "--format", "json"])

            #expect(during.status == 0, "\(during.errors)")
            #expect(try Self.status(of: 3, in: during.output) == "active", "the uncommitted change is not seen")
            #expect(try Self.status(of: 3, in: after.output) == "failed")
        }
    }

    private static func status(of id: Int, in json: String) throws -> String? {
        let records = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        return records?.first { $0["ID"] as? Int == id }?["Status"] as? String
    }

    @Test func downKeepsTheLog() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "-d"])
            #expect(up.status == 0, "\(up.errors)")
            let filled = try fill(stack)
            // Whatever `up` recorded itself is history too: everything listed before `down` must be there after it.
            let before = try DeploymentLog.openExisting(path: stack.deploymentLogPath).deployments()
            let down = try await stack.run(["down"])
            #expect(down.status == 0, "\(down.errors)")
            #expect(!FileManager.default.fileExists(atPath: stack.stateDirectory + "/logs"), "down removed the runtime state")
            let after = try DeploymentLog.openExisting(path: stack.deploymentLogPath).deployments()
            #expect(Set(filled.map(\.id)).isSubset(of: Set(after.map(\.id))))
            #expect(after.map(\.id) == before.map(\.id))
            #expect(after.contains { $0.source == .up }, "up records each service's first deployment")
            #expect(fileMode(stack.deploymentLogPath) == 0o600)
        }
    }
}

extension TestStack {
    var deploymentLogPath: String { stateDirectory + "/deployments.sqlite" }
}

private func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

/// The time the filled log records, moved by hand.
private final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }

    var read: @Sendable () -> Date { { self.current.withLock { $0 } } }
}
