import Foundation
import SlipwayRuntime
import Testing

@testable import SlipwayCLIRendering

@Suite("ps rendering: the table and docker compose JSON")
struct ControlStatusRenderingTests {
    private let now = Date(timeIntervalSince1970: 1_764_178_000)

    private var instances: [InstanceStatus] {
        [
            InstanceStatus(
                name: "demo-db-1", service: "db", command: "postgres -D /var/lib/slipway/demo/db", state: .running,
                health: .healthy, pid: 101, startedAt: now.addingTimeInterval(-133),
                publishers: [PortPublisher(url: "127.0.0.1", targetPort: 5432, publishedPort: 0)]),
            InstanceStatus(
                name: "demo-web-1", service: "web", command: "python3 app.py", state: .starting, health: .starting,
                pid: 202, startedAt: now.addingTimeInterval(-4),
                publishers: [
                    PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: 8003),
                    PortPublisher(url: "0.0.0.0", targetPort: 9000, publishedPort: 9001, protocol: "tcp"),
                ]),
            InstanceStatus(name: "demo-migrate-1", service: "migrate", command: "psql -f schema.sql", state: .exited, exitCode: 0),
            InstanceStatus(name: "demo-worker-1", service: "worker", command: "false", state: .restarting, exitCode: 1, restartCount: 3),
            InstanceStatus(name: "demo-cache-1", service: "cache", command: "redis", state: .stopped, exitCode: 143),
        ]
    }

    @Test("the table lines up its columns and shows state details, ports, pid and uptime")
    func table() {
        let lines = StatusTable.lines(instances, at: now)
        #expect(lines == [
            "NAME             COMMAND                            STATE            HEALTH     PORTS                                              PID   UPTIME",
            "demo-db-1        \"postgres -D /var/lib/slipway/…\"   running          healthy    5432/tcp                                           101   2m13s",
            "demo-web-1       \"python3 app.py\"                   starting         starting   127.0.0.1:8003->8000/tcp, 0.0.0.0:9001->9000/tcp   202   4s",
            "demo-migrate-1   \"psql -f schema.sql\"               exited (0)",
            "demo-worker-1    \"false\"                            restarting (3)",
            "demo-cache-1     \"redis\"                            stopped",
        ])
    }

    @Test("uptimes read as seconds, minutes, hours and days")
    func uptimes() {
        #expect(UptimeText.compact(0.4) == "0s")
        #expect(UptimeText.compact(59) == "59s")
        #expect(UptimeText.compact(61) == "1m01s")
        #expect(UptimeText.compact(3 * 3600 + 5 * 60 + 9) == "3h05m")
        #expect(UptimeText.compact(2 * 86400 + 7 * 3600) == "2d7h")
    }

    @Test("--format json is one object per line with docker compose's field names")
    func json() throws {
        let lines = try ComposePsRecord.jsonLines(Array(instances.prefix(3)), project: "demo", now: now)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") && !$0.contains("\n") })
        let decoded = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let web = decoded[1]
        #expect(Set(web.keys) == [
            "Name", "Service", "Project", "Command", "State", "Health", "ExitCode", "Pid", "Publishers", "Status",
            "StartedAt", "RestartCount",
        ])
        #expect(web["Name"] as? String == "demo-web-1")
        #expect(web["State"] as? String == "starting")
        #expect(web["Health"] as? String == "starting")
        #expect(web["Pid"] as? Int == 202)
        #expect(web["Status"] as? String == "Up 4s (health: starting)")
        let publishers = try #require(web["Publishers"] as? [[String: Any]])
        #expect(publishers.first?["URL"] as? String == "127.0.0.1")
        #expect(publishers.first?["TargetPort"] as? Int == 8000)
        #expect(publishers.first?["PublishedPort"] as? Int == 8003)
        #expect(publishers.first?["Protocol"] as? String == "tcp")
        #expect(decoded[0]["Status"] as? String == "Up 2m13s (healthy)")
        #expect(decoded[2]["Health"] as? String == "")
        #expect(decoded[2]["ExitCode"] as? Int == 0)
        #expect(decoded[2]["Pid"] as? Int == 0)
        #expect(decoded[2]["Status"] as? String == "Exited (0)")
        #expect(try ComposePsRecord.jsonLines([], project: "demo", now: now).isEmpty)
    }
}
