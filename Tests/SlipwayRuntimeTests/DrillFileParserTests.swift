import ComposeKit
import Glibc
@testable import SlipwayRuntime
import SlipwayStore
import Testing

@Suite("drill files: parsing")
struct DrillFileParserTests {
    private func parse(_ text: String) throws(DrillFileError) -> DrillFile {
        try DrillFileParser(path: "drill.yaml").parse(text)
    }

    @Test("every step kind, in its short and long forms, with its line")
    func everyStep() throws {
        let file = try parse("""
            name: rehearsal
            service: web
            steps:
              - deploy: {environment: {VERSION: v2}, command: [python3, server.py], health: fail, force: false}
              - deploy:
              - kill: cache
              - kill: {signal: SIGTERM}
              - pause:
              - unpause: web
              - fault: {latency: 200ms, error_rate: 0.1}
              - fault: {reset: true}
              - wait: 2s
              - wait: {until: rolled_back, timeout: 30s}
              - rollback:
              - expect:
                  status: rolled_back
                  active: previous
                  failed_requests: 3
                  serving: new
            """)
        #expect(file.name == "rehearsal")
        #expect(file.service == "web")
        #expect(file.steps.map(\.line) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19])
        #expect(file.steps.map(\.action) == [
            .deploy(service: nil, environment: ["VERSION": "v2"], command: .exec(["python3", "server.py"]), failHealth: true, force: false),
            .deploy(service: nil, environment: [:], command: nil, failHealth: false, force: true),
            .kill(service: "cache", signal: SIGKILL),
            .kill(service: nil, signal: SIGTERM),
            .pause(service: nil),
            .unpause(service: "web"),
            .fault(service: nil, latencyMilliseconds: 200, errorRate: 0.1, reset: false),
            .fault(service: nil, latencyMilliseconds: nil, errorRate: nil, reset: true),
            .wait(.seconds(2)),
            .waitUntil(.rolledBack, timeout: .seconds(30)),
            .rollback(service: nil),
            .expect(.status(.rolledBack), text: "status: rolled_back"),
            .expect(.active(drill: false), text: "active: previous"),
            .expect(.failedRequests(max: 3), text: "failed_requests: 3"),
            .expect(.serving(new: true), text: "serving: new"),
        ])
    }

    @Test("the name defaults to the file's, without its extension")
    func defaultName() throws {
        let file = try DrillFileParser(path: "drills/slow-db.yaml").parse("steps:\n  - wait: 1s\n")
        #expect(file.name == "slow-db")
        #expect(file.service == nil)
    }

    @Test("a mistake is named by file, line and key", arguments: [
        ("steps:\n  - wait: soon\n", "drill.yaml:2: steps[0].wait: expected a duration such as 2s or 500ms, got \"soon\""),
        ("steps:\n  - wait: 1s\n  - wait: {until: green}\n", "drill.yaml:3: steps[1].wait.until: expected one of healthy, switched, failed, rolled_back, restored, got \"green\""),
        ("steps:\n  - explode: web\n", "drill.yaml:2: steps[0].explode: unknown step; a step is one of deploy, kill, pause, unpause, fault, wait, rollback, expect"),
        ("steps:\n  - deploy: {health: pass}\n", "drill.yaml:2: steps[0].deploy.health: the one value is `fail`: Slipway makes the new version's health check fail"),
        ("steps:\n  - kill: {service: web, signal: SIGNOPE}\n", "drill.yaml:2: steps[0].kill.signal: unknown signal \"SIGNOPE\""),
        ("steps:\n  - fault: {error_rate: 2}\n", "drill.yaml:2: steps[0].fault.error_rate: expected a share from 0 to 1, such as 0.1"),
        ("steps:\n  - expect: {status: gone}\n", "drill.yaml:2: steps[0].expect.status: expected a deployment status (pending, starting, releasing, switching, active, superseded, failed, rolled_back, interrupted), got \"gone\""),
        ("steps:\n  - expect: {health: good}\n", "drill.yaml:2: steps[0].expect.health: unknown expectation; expect one of status, active, failed_requests, serving"),
        ("stepz:\n  - wait: 1s\n", "drill.yaml:1: stepz: unknown key; a drill file has name, service and steps"),
        ("name: x\n", "drill.yaml:1: steps: a drill needs at least one step"),
        ("steps: [\n", "drill.yaml:2: invalid YAML: did not find expected node content"),
    ])
    func mistakes(text: String, message: String) {
        #expect(throws: DrillFileError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("a file that cannot be read says so with its path")
    func unreadable() {
        do {
            _ = try DrillFile.load(path: "/nonexistent/drill.yaml")
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/drill.yaml: cannot be read"))
        }
    }
}
