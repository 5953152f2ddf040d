import Foundation
import SlipwayTestSupport
import Testing

/// `slipway stats` against a detached supervisor, after real traffic through its published ports.
@Suite("stats command")
struct StatsCommandTests {
    private static let stack = """
        name: stats-e2e
        x-port-open: &port-open
          test: ["CMD-SHELL", "python3 -c \\"import socket,os; socket.create_connection(('127.0.0.1', int(os.environ['PORT'])))\\""]
          interval: 30s
        services:
          web:
            command: sh -c 'exec python3 -m http.server --bind 127.0.0.1 $$PORT'
            ports: ["8000"]
            x-slipway: {proxy: http}
            healthcheck: *port-open
          db:
            command: sh -c 'exec python3 -m http.server --bind 127.0.0.1 $$PORT'
            ports: ["5432"]
            healthcheck: *port-open
        """

    /// A table row's cells by column name; cells hold no spaces.
    private static func rows(_ output: String) -> [[String: String]] {
        let lines = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func tableJsonAndFilterAfterRealTrafficThenNoSupervisor() async throws {
        try await withStack(Self.stack) { stack in
            let up = try await stack.run(["up", "-d", "--wait"])
            let webPort = try #require(try await stack.publishedPorts("web").first, "\(up.errors)")
            let dbPort = try #require(try await stack.publishedPorts("db").first, "\(up.errors)")
            var answers: [String?] = []
            for _ in 0..<4 { answers.append(await LoopbackHTTP.get(port: webPort)) }
            for _ in 0..<2 { answers.append(await LoopbackHTTP.get(port: dbPort)) }
            let settled = await settledJSON(stack)
            let table = try await stack.run(["stats"])
            let filtered = try await stack.run(["stats", "web", "-p", "stats-e2e"])
            let unknown = try await stack.run(["stats", "cache"])
            let down = try await stack.run(["down"])
            let afterDown = try await stack.run(["stats"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(answers.allSatisfy { $0?.contains(" 200 ") == true }, "\(answers)")

            let json = try #require(settled, "stats --format json never showed every request")
            let ports = try #require(json["ports"] as? [[String: Any]])
            #expect(json["project"] as? String == "stats-e2e")
            #expect(ports.map { $0["service"] as? String } == ["db", "web"])
            #expect(ports.map { $0["mode"] as? String } == ["tcp", "http"])
            let dbInstance = (ports[0]["instances"] as? [[String: Any]])?.first
            let webInstance = (ports[1]["instances"] as? [[String: Any]])?.first
            #expect(dbInstance?["instance"] as? String == "db-1")
            #expect(dbInstance?["connections"] as? Int == 2)
            #expect(webInstance?["instance"] as? String == "web-1")
            #expect(webInstance?["requests"] as? Int == 4)
            #expect((webInstance?["latency"] as? [String: Any])?["count"] as? Int == 4)
            #expect((webInstance?["errors"] as? [String: Int])?.values.reduce(0, +) == 0)

            #expect(table.status == 0, "\(table.errors)")
            let rows = Self.rows(table.output)
            #expect(rows.map { $0["SERVICE"] } == ["db", "web"], "\(table.output)")
            #expect(rows.first?["PORT"] == "127.0.0.1:\(dbPort)->5432/tcp")
            #expect(rows.first?["CONNECTIONS"] == "2" && rows.first?["REQUESTS"] == "-")
            #expect(rows.last?["INSTANCE"] == "web-1" && rows.last?["REQUESTS"] == "4" && rows.last?["ERRORS"] == "-")
            #expect(rows.last?["P99"]?.hasSuffix("s") == true, "\(table.output)")

            #expect(filtered.status == 0, "\(filtered.errors)")
            #expect(Self.rows(filtered.output).map { $0["SERVICE"] } == ["web"], "\(filtered.output)")
            #expect(unknown.status == 1)
            #expect(unknown.errors.contains("no such service: cache"), "\(unknown.errors)")
            #expect(down.status == 0, "\(down.errors)")
            #expect(afterDown.status == 1)
            #expect(afterDown.errors.contains("no supervisor is running for project stats-e2e"), "\(afterDown.errors)")
        }
    }

    /// `stats --format json` once the proxy has recorded all six exchanges
    /// (it counts a request's latency as the response ends, just after the client may have read it).
    private func settledJSON(_ stack: TestStack) async -> [String: Any]? {
        let end = ContinuousClock.now + .seconds(30)
        var last: [String: Any]?
        while ContinuousClock.now < end {
            guard let run = try? await stack.run(["stats", "--format", "json"]), run.status == 0,
                  let json = try? JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
            else { return nil }
            last = json
            let instances = (json["ports"] as? [[String: Any]] ?? []).flatMap { $0["instances"] as? [[String: Any]] ?? [] }
            let measured = instances.compactMap { ($0["latency"] as? [String: Any])?["count"] as? Int }.reduce(0, +)
            if measured >= 6, instances.allSatisfy({ $0["active"] as? Int == 0 }) { return json }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return last
    }
}
