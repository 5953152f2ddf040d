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
        let ports = ["TICKET_SERVICE_HTTP_PORT", "WORKFLOW_API_HTTP_PORT", "AUTH_SERVICE_HTTP_PORT"]
            .reduce(into: [String: String]()) { $0[$1] = String(TestStack.freePort()) }
        let up = try stack.start(environment: ports)
        let healthy = await eventually(within: .seconds(90)) {
            ["db", "ticket-service", "auth-service", "workflow-api"].allSatisfy { up.states(of: $0).contains("Healthy") }
        }
        var bodies: [String] = []
        for port in ports.values.sorted() {
            bodies.append(await Self.get("http://127.0.0.1:\(port)/health/") ?? "no answer on \(port)")
        }
        up.signal(SIGINT)
        let status = await up.waitForExit(within: .seconds(60))
        let gone = await eventually(within: .seconds(10)) { stack.processes().isEmpty }
        await up.cleanUp()

        #expect(healthy, "\(up.output)\(up.errors)")
        #expect(up.states(of: "migrate").contains("Completed"))
        for body in bodies { #expect(body.contains("\"status\": \"healthy\""), "\(body)") }
        #expect(status == 0)
        #expect(gone)
    }

    private static func get(_ address: String) async -> String? {
        guard let (data, _) = try? await URLSession.shared.data(from: URL(string: address)!) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
