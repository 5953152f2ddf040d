import ComposeKit
import Foundation
import Testing

@testable import SlipwayRuntime

@Suite("ps data: -a and service filters, the COMMAND shown, publishers")
struct StatusSnapshotTests {
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

    @Test("without -a only live instances are listed; services filter either way")
    func listing() {
        let snapshot = StatusSnapshot(project: "demo", takenAt: now, instances: instances)
        #expect(snapshot.listed(includeStopped: false, services: []).map(\.service) == ["db", "web", "worker"])
        #expect(snapshot.listed(includeStopped: true, services: []).count == 5)
        #expect(snapshot.listed(includeStopped: false, services: ["web", "migrate"]).map(\.service) == ["web"])
        #expect(snapshot.listed(includeStopped: true, services: ["web", "migrate"]).map(\.service) == ["web", "migrate"])
    }

    @Test("COMMAND joins entrypoint and command, quoting list items with spaces")
    func commandDisplay() {
        var service = Service(name: "web")
        service.command = .exec(["python3", "-c", "print('hi there')"])
        #expect(CommandDisplay.text(for: service) == "python3 -c \"print('hi there')\"")
        service.entrypoint = .exec(["/usr/bin/env"])
        #expect(CommandDisplay.text(for: service) == "/usr/bin/env python3 -c \"print('hi there')\"")
        service.entrypoint = nil
        service.command = .shell("exec python3 -m http.server $$PORT")
        #expect(CommandDisplay.text(for: service) == "exec python3 -m http.server $$PORT")
    }

    @Test("a publisher takes the file's host IP, or 127.0.0.1, and the port the proxy bound")
    func publisherFromMapping() {
        #expect(PortPublisher(mapping: PortMapping(target: 8000, published: 8003), boundPort: 8003)
            == PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: 8003))
        #expect(PortPublisher(mapping: PortMapping(target: 53, hostIP: "0.0.0.0", protocol: "udp"), boundPort: 40123)
            == PortPublisher(url: "0.0.0.0", targetPort: 53, publishedPort: 40123, protocol: "udp"))
    }
}
