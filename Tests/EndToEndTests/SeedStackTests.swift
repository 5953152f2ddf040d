import Foundation
import SlipwayTestSupport
import Testing

/// The platform document's own `Docker/docker-compose.yml`, unchanged, with
/// the stand-in `auth` build context of compose-examples/seed-auth: a Dockerfile as the seed's
/// (WORKDIR, ENV, EXPOSE 8000, CMD, the `curl -f http://localhost:8000/health/`
/// HEALTHCHECK) and an entrypoint that reaches Postgres at `db` through
/// `DATABASE_URL` and RabbitMQ at `rabbitmq:5672` before it answers.
@Suite("up: the seed's compose file")
struct SeedStackTests {
    static let hasServers = FileManager.default.fileExists(atPath: "/usr/lib/postgresql/15/bin/postgres")
        && FileManager.default.fileExists(atPath: "/usr/lib/rabbitmq/bin/rabbitmq-server")

    /// compose-examples/seed-auth, the stand-in copied in as the seed's `../auth`.
    static let standIn = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("compose-examples/seed-auth").path

    /// The seed publishes `8003:8000`; a test may not hold a fixed host port,
    /// so a second file, merged after the seed's as `docker compose -f a -f b`
    /// merges it, publishes the same container port on an ephemeral one.
    static let ephemeralPorts = """
    services:
      auth-service:
        ports: !override ["8000"]

    """

    @Test(.enabled(if: SeedComposeConfigTests.seedIsAvailable, "../shared/seed is absent"),
          .enabled(if: hasServers, "PostgreSQL 15 or rabbitmq-server is not installed (.ci/run installs them)"))
    func theSeedsComposeFileComesUpHealthyServesAuthAndDownLeavesNothing() async throws {
        let runID = UUID().uuidString.lowercased()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-seed-\(runID.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory + "/Docker", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.standIn, toPath: directory + "/auth")
        let seedFile = directory + "/Docker/docker-compose.yml"
        try SeedComposeConfigTests.block("yaml", after: "### Docker Compose (Local Development)")
            .write(toFile: seedFile, atomically: true, encoding: .utf8)
        try Self.ephemeralPorts.write(toFile: directory + "/ephemeral-ports.yml", atomically: true, encoding: .utf8)
        let stack = try TestStack(composeFile: seedFile)
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: stack.directory)
        }
        let files = ["-f", directory + "/ephemeral-ports.yml", "-p", "seed-\(runID.prefix(8))"]
        do {
            let up = try await stack.run(files + ["up", "-d", "--wait", "--wait-timeout", "100"], within: .seconds(110))
            #expect(up.status == 0, "\(up.errors)\n\(stack.log("rabbitmq"))\n\(stack.log("auth-service"))")
            let records = try await stack.psRecords(files)
            for service in ["db", "rabbitmq", "auth-service"] {
                #expect(records[service]?["Health"] as? String == "healthy", "\(service): \(records[service] ?? [:])")
            }
            let port = try #require(ImageAdapterTests.publishedPort(records["auth-service"], target: 8000), "\(records)")
            let health = try await ClientRun("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/health/"])
            #expect(health.status == 0 && health.output == "healthy authservice", "\(health.output)")

            let down = try await stack.run(files + ["down"], within: .seconds(60))
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty }, "left running: \(stack.processes())")
        } catch {
            await stack.killLeftovers()
            throw error
        }
        await stack.killLeftovers()
    }
}
