import Foundation
import FoundationNetworking
import Glibc
import Testing

/// The repository's ticket-tracking example (a real PostgreSQL 15 as
/// `user: postgres`, a migration one-shot, three HTTP services) run in the
/// foreground by `slipway up`.
@Suite("up: the ticket-tracking example")
struct UpExampleStackTests {
    private static let example = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("compose-examples/ticket-tracking/compose.yaml").path
    private static let hasPostgres = FileManager.default.fileExists(atPath: "/usr/lib/postgresql/15/bin/postgres")
        || FileManager.default.fileExists(atPath: "/usr/bin/postgres")

    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func bringsTheStackUpServesEachPortAndLeavesNothing() async throws {
        let stack = try TestStack(composeFile: Self.example)
        let up = try stack.start(environment: Self.ephemeralPorts)
        let healthy = await eventually(within: .seconds(90)) {
            ["db", "ticket-service", "auth-service", "workflow-api"].allSatisfy { up.states(of: $0).contains("Healthy") }
        }
        let ports = await Self.httpPorts(stack)
        var bodies: [String] = []
        for port in ports {
            bodies.append(await Self.get("http://127.0.0.1:\(port)/health/") ?? "no answer on \(port)")
        }
        up.signal(SIGINT)
        let status = await up.waitForExit(within: .seconds(60))
        let gone = await eventually(within: .seconds(10)) { stack.processes().isEmpty }
        await up.cleanUp()

        #expect(healthy, "\(up.output)\(up.errors)")
        #expect(ports.count == 3, "\(up.output)\(up.errors)")
        #expect(up.states(of: "migrate").contains("Completed"))
        for body in bodies { #expect(body.contains("\"status\": \"healthy\""), "\(body)") }
        #expect(status == 0)
        #expect(gone)
    }

    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func detachedWaitServesEachPortThenDownLeavesNoProcessAndNoListener() async throws {
        let stack = try TestStack(composeFile: Self.example)
        let up = try await stack.run(
            ["up", "-d", "--wait", "--wait-timeout", "120"], environment: Self.ephemeralPorts, within: .seconds(150))
        let ports = await Self.httpPorts(stack)
        var bodies: [String] = []
        for port in ports {
            bodies.append(await Self.get("http://127.0.0.1:\(port)/health/") ?? "no answer on \(port)")
        }
        let down = try await stack.run(["down"], within: .seconds(60))
        let gone = await eventually(within: .seconds(10)) { stack.processes().isEmpty }
        let listening = ListeningPorts.current()
        await stack.killLeftovers()

        #expect(up.status == 0, "\(up.errors)")
        #expect(up.errors.contains("ticket-tracking-migrate-1") && up.errors.contains("Completed"), "\(up.errors)")
        for body in bodies { #expect(body.contains("\"status\": \"healthy\"") && body.contains("\"database\": \"ok\""), "\(body)") }
        #expect(down.status == 0, "\(down.errors)")
        #expect(gone)
        #expect(ports.count == 3, "\(up.errors)")
        for port in ports { #expect(!listening.contains(port), "port \(port) still listens") }
    }

    /// Each HTTP service published on port 0: the proxy binds a port the
    /// kernel picks, and the test reads it back from `ps`.
    private static let ephemeralPorts = ["TICKET_SERVICE_HTTP_PORT": "0", "WORKFLOW_API_HTTP_PORT": "0", "AUTH_SERVICE_HTTP_PORT": "0"]

    private static func httpPorts(_ stack: TestStack) async -> [Int] {
        var ports: [Int] = []
        for service in ["ticket-service", "workflow-api", "auth-service"] {
            ports += (try? await stack.publishedPorts(service)) ?? []
        }
        return ports
    }

    private static func get(_ address: String) async -> String? {
        guard let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: URL(string: address)!, timeoutInterval: 30)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
