import Foundation
import SlipwayStore
import SlipwayTestSupport
import Testing

/// `slipway drill FILE.yaml`: a drill of the user's own steps against a
/// detached project under load, graded per `expect`, its failing line named.
@Suite("slipway drill with a drill file")
struct DrillFileTests {
    private func up(_ stack: TestStack) async throws -> TestStack.Finished {
        try VersionServer.source.write(toFile: stack.directory + "/" + VersionServer.fileName, atomically: true, encoding: .utf8)
        return try await stack.run(["up", "-d", "--wait"])
    }

    private func write(_ drill: String, in stack: TestStack) throws {
        try drill.write(toFile: stack.directory + "/drill.yaml", atomically: true, encoding: .utf8)
    }

    @Test func aDrillFileOfEveryStepPassesWithAReportStoredInTheLog() async throws {
        try await withStack(DrillCommandTests.compose()) { stack in
            try write("""
                name: rehearsal
                service: web
                steps:
                  - fault: {latency: 100ms}
                  - wait: 500ms
                  - fault: {reset: true}
                  - deploy: {environment: {VERSION: v2}, health: fail}
                  - expect: {status: failed, active: previous, failed_requests: 0}
                  - deploy: {environment: {VERSION: v3}}
                  - wait: {until: switched, timeout: 60s}
                  - expect: {serving: new}
                  - kill: web
                  - wait: {until: rolled_back, timeout: 90s}
                  - expect:
                      status: rolled_back
                      serving: old
                """, in: stack)
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "drill.yaml", "--format", "json", "--request-timeout", "30"], within: .seconds(240))
            let stored = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).drills()
            let history = try DeploymentLog.openExisting(path: stack.stateDirectory + "/" + DeploymentLog.fileName).deployments()
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 0, "\(drill.output)\n\(drill.errors)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(drill.output.utf8)) as? [String: Any])
            #expect(report["Scenario"] as? String == "rehearsal")
            #expect(report["Service"] as? String == "web")
            #expect(report["Passed"] as? Bool == true)
            #expect((report["RequestsSent"] as? Int ?? 0) > 0)
            #expect(report["TimeToDetectMs"] is Int)
            #expect(report["TimeToRestoreMs"] is Int)
            let names = (report["Expectations"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
            #expect(names == [
                "drill.yaml:8 status: failed", "drill.yaml:8 active: previous", "drill.yaml:8 failed_requests: 0",
                "drill.yaml:11 serving: new", "drill.yaml:15 status: rolled_back", "drill.yaml:16 serving: old",
            ])
            #expect(history.map(\.source) == [.autoRollback, .deploy, .deploy, .up])
            #expect(history.dropFirst().prefix(2).map(\.status) == [.rolledBack, .failed])
            #expect(stored.map(\.scenario) == ["rehearsal"])
        }
    }

    @Test func aFailingExpectationExitsThreeNamingItsLine() async throws {
        try await withStack(DrillCommandTests.compose()) { stack in
            try write("""
                steps:
                  - deploy: {health: fail}
                  - expect: {status: active}
                """, in: stack)
            let up = try await up(stack)
            let drill = try await stack.run(["drill", "drill.yaml", "web", "--request-timeout", "30"], within: .seconds(180))
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(drill.status == 3, "\(drill.output)\n\(drill.errors)")
            #expect(drill.errors.contains("drill drill of web failed: drill.yaml:3 status: active (deployment 2 is failed)"), "\(drill.errors)")
            #expect(drill.output.contains("✘ drill.yaml:3 status: active"), "\(drill.output)")
        }
    }

    @Test func aMalformedDrillFileIsRefusedNamingFileLineAndKey() async throws {
        try await withStack(DrillCommandTests.compose()) { stack in
            try write("""
                steps:
                  - wait: 1s
                  - wait: {until: green}
                """, in: stack)
            let drill = try await stack.run(["drill", "drill.yaml"])
            let unknown = try await stack.run(["drill", "chaos-monkey"])
            let noWait = try await stack.run(["drill", "hang", "--request-timeout", "0"])

            #expect(drill.status == 1, "\(drill.errors)")
            #expect(drill.errors.contains("drill.yaml:3: steps[1].wait.until: expected one of healthy, switched, failed, rolled_back, restored, got \"green\""), "\(drill.errors)")
            #expect(unknown.status == 2, "\(unknown.errors)")
            #expect(unknown.errors.contains("unknown scenario \"chaos-monkey\""), "\(unknown.errors)")
            #expect(noWait.status == 2, "\(noWait.errors)")
            #expect(noWait.errors.contains("--request-timeout must be 0.01 to 600 seconds"), "\(noWait.errors)")
        }
    }
}
