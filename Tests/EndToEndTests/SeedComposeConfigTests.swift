import Foundation
import Testing

/// The platform document's own `Docker/docker-compose.yml`, exactly as the
/// document gives it, with its auth service's Dockerfile (the document's
/// "Dockerfile Optimization" one) in a stand-in build context.
@Suite("config: the seed's compose file")
struct SeedComposeConfigTests {
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let seedDocument = repositoryRoot + "/../shared/seed/000_d295d4ad505d4456.txt"
    static var seedIsAvailable: Bool { FileManager.default.fileExists(atPath: seedDocument) }

    /// The first fenced block of `language` after the heading line `heading`.
    static func block(_ language: String, after heading: String) throws -> String {
        let text = try String(contentsOfFile: seedDocument, encoding: .utf8)
        let section = try #require(text.range(of: heading + "\n"), "no \(heading) in the seed document")
        let open = try #require(text.range(of: "```\(language)\n", range: section.upperBound..<text.endIndex))
        let close = try #require(text.range(of: "\n```", range: open.upperBound..<text.endIndex))
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }

    @Test(.enabled(if: seedIsAvailable, "../shared/seed is absent"))
    func configShowsTheAuthServiceDefaultsFromItsDockerfile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-seed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for folder in ["Docker", "auth"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        try Self.block("yaml", after: "### Docker Compose (Local Development)")
            .write(toFile: directory + "/Docker/docker-compose.yml", atomically: true, encoding: .utf8)
        try Self.block("dockerfile", after: "#### **Dockerfile Optimization**")
            .write(toFile: directory + "/auth/Dockerfile", atomically: true, encoding: .utf8)

        let run = try await ConfigRun(["-f", "Docker/docker-compose.yml", "config", "--format", "json"], in: directory)
        let document = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        let services = document?["services"] as? [String: Any]
        let auth = try #require(services?["auth-service"] as? [String: Any], "\(run.errors)")
        let environment = auth["environment"] as? [String: Any]
        let healthcheck = auth["healthcheck"] as? [String: Any]

        #expect(run.status == 0, "\(run.errors)")
        #expect(auth["command"] as? String == "sh -c \"sleep 10 && ./entrypoint.sh\"")
        // The loader resolves symlinks in the temporary directory's path.
        #expect(auth["working_dir"] as? String == URL(fileURLWithPath: directory + "/auth").resolvingSymlinksInPath().path)
        #expect(environment?["PYTHONUNBUFFERED"] as? String == "1")
        #expect(environment?["PYTHONDONTWRITEBYTECODE"] as? String == "1")
        #expect((environment?["PATH"] as? String)?.hasPrefix("/root/.local/bin:") == true)
        #expect(environment?["DATABASE_URL"] as? String == "postgres://postgres:postgrespass@db:5432/authservice")
        #expect(healthcheck?["test"] as? [String] == ["CMD-SHELL", "curl -f http://localhost:8000/health/ || exit 1"])
        #expect(healthcheck?["interval"] as? String == "30s")
        #expect(healthcheck?["timeout"] as? String == "10s")
        #expect(healthcheck?["start_period"] as? String == "40s")
        #expect(healthcheck?["retries"] as? Int == 3)
        #expect(run.errors.components(separatedBy: "RUN instructions are not executed").count == 2, "\(run.errors)")
    }
}
