import Foundation
import SlipwayStore
import SlipwayTestSupport
import Testing

/// `slipway drill` as a user runs it: the binary against a detached project,
/// a real Python service under a real request load, each built-in scenario
/// graded, each report format read back, the run stored in the log.
@Suite("slipway drill")
struct DrillCommandTests {
    /// An HTTP health check (a frozen server still completes TCP handshakes
    /// in the kernel, so only a request shows a hang), quick enough for a
    /// test; a start period so a slow start on a loaded machine is no failure,
    /// and a timeout that a loaded machine's pause does not reach twice.
    static func compose(health: Bool = true) -> String {
        """
        services:
          web:
            command: exec python3 server.py
            working_dir: .
            environment: {VERSION: v1}
            ports: ["8000"]
        \(health ? "    healthcheck: {interval: 200ms, timeout: 5s, retries: 2, start_period: 60s}" : "")
            x-slipway: {proxy: http, \(health ? "health_path: /, " : "")restart_on_unhealthy: true, deploy: {drain: 30s, keep_previous: 5m, monitor: 30s}}
        """
    }

    private func up(_ stack: TestStack) async throws -> TestStack.Finished {
        try VersionServer.source.write(toFile: stack.directory + "/" + VersionServer.fileName, atomically: true, encoding: .utf8)
        return try await stack.run(["up", "-d", "--wait"])
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private func expectations(_ report: [String: Any]) -> [String: Bool] {
        let list = report["Expectations"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.compactMap { item in
            (item["Name"] as? String).map { ($0, item["Passed"] as? Bool ?? false) }
        })
    }

    @Test func badReleaseNeverSwitchesAndLosesNoRequestAsJSONStoredInTheLog() async throws {
        try await withStack(Self.compose()) { stack in
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "bad-release", "web", "--load", "40", "--request-timeout", "30", "--format", "json"], within: .seconds(120))
            let stored = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).drills()
            let history = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).deployments()
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 0, "\(drill.output)\n\(drill.errors)")
            let report = try json(drill.output)
            #expect(report["Scenario"] as? String == "bad-release")
            #expect(report["Service"] as? String == "web")
            #expect(report["Passed"] as? Bool == true)
            #expect((report["RequestsSent"] as? Int ?? 0) > 0)
            #expect(report["RequestsFailed"] as? Int == 0)
            #expect(report["TimeToDetectMs"] is Int)
            #expect(report.keys.contains("TimeToRestoreMs"))
            #expect(report["ActiveDeployment"] as? Int == 1)
            #expect(expectations(report) == ["never switched": true, "the old version still serves": true, "no failed requests": true])
            #expect(history.first?.status == .failed && history.first?.switchedAt == nil)
            #expect(history.first?.reason?.contains("health forced to fail") == true, "\(history.first?.reason ?? "")")
            #expect(stored.map(\.scenario) == ["bad-release"])
            #expect(stored.first?.passed == true)
            #expect(try json(stored.first?.report ?? "")["ID"] as? Int == Int(stored.first?.id ?? 0))
        }
    }

    @Test func crashAfterSwitchRollsBackAutomaticallyAsMarkdown() async throws {
        try await withStack(Self.compose()) { stack in
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "crash-after-switch", "--request-timeout", "30", "--format", "markdown"], within: .seconds(180))
            let history = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).deployments()
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 0, "\(drill.output)\n\(drill.errors)")
            #expect(drill.output.hasPrefix("### ✅ Drill `crash-after-switch` of `web`: passed"), "\(drill.output)")
            #expect(drill.output.contains("| ✅ | rolled back automatically |"), "\(drill.output)")
            #expect(drill.output.contains("| ✅ | the old version serves again |"), "\(drill.output)")
            #expect(drill.output.contains("| Requests sent | Requests failed | Time to detect | Time to restore | Serving |"))
            #expect(history.map(\.source) == [.autoRollback, .deploy, .up])
            #expect(history.dropFirst().first?.status == .rolledBack)
        }
    }

    @Test func aFrozenServiceIsDetectedAndRestartedAsJUnit() async throws {
        try await withStack(Self.compose()) { stack in
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "hang", "web", "--request-timeout", "30", "--format", "junit"], within: .seconds(180))
            let state = try await stack.psRecords()["web"]
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 0, "\(drill.output)\n\(drill.errors)")
            #expect(drill.output.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
            #expect(drill.output.contains(#"<testsuites name="slipway drill" tests="3" failures="0""#), "\(drill.output)")
            #expect(drill.output.components(separatedBy: "<testcase ").count - 1 == 3)
            #expect(drill.output.contains(#"name="detected as unhealthy">"#))
            #expect(drill.output.contains("restarted (x-slipway.restart_on_unhealthy)"), "\(drill.output)")
            #expect(!drill.output.contains("<failure"))
            #expect(state?["State"] as? String == "running", "the frozen instance is not left paused")
            #expect(state?["RestartCount"] as? Int == 1)
        }
    }

    @Test func manualRollbackServesTheOldVersionAgainAsText() async throws {
        try await withStack(Self.compose()) { stack in
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "manual-rollback", "web", "--request-timeout", "30"], within: .seconds(120))
            let history = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).deployments()
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 0, "\(drill.output)\n\(drill.errors)")
            #expect(drill.output.contains("Result       PASSED"), "\(drill.output)")
            #expect(drill.output.contains("✔ rolled back on request: deployment 3 (rollback of 2) switched"), "\(drill.output)")
            #expect(drill.output.contains("✔ the old version serves again"), "\(drill.output)")
            #expect(drill.output.contains("a request unanswered after 30.0s failed"), "the load's timeout is on record: \(drill.output)")
            #expect(history.map(\.source) == [.rollback, .deploy, .up])
            #expect(history.first?.snapshotHash == history.last?.snapshotHash)
        }
    }

    @Test func aHangWithoutAHealthCheckFailsNamingTheExpectationAndFreezesNothing() async throws {
        try await withStack(Self.compose(health: false)) { stack in
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "hang", "--format", "json"], within: .seconds(120))
            let junit = try await stack.run(["drill", "hang", "--format", "junit"], within: .seconds(120))
            let state = try await stack.psRecords()["web"]
            let stored = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).drills()
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 3, "\(drill.errors)")
            #expect(drill.errors.contains("drill hang of web failed: detected as unhealthy (web has no health check"), "\(drill.errors)")
            let report = try json(drill.output)
            #expect(report["Passed"] as? Bool == false)
            #expect(expectations(report) == ["detected as unhealthy": false, "restarted or rolled back per policy": false])
            #expect(junit.status == 3)
            #expect(junit.output.contains(#"failures="2""#), "\(junit.output)")
            #expect(junit.output.contains(#"<failure message="web has no health check"#), "\(junit.output)")
            #expect(state?["State"] as? String == "running")
            #expect(stored.map(\.passed) == [false, false])
        }
    }
}
