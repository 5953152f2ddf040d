import ArgumentParser
import Foundation
import Glibc

/// `slipway-bench seed`: the platform document's own `Docker/docker-compose.yml`,
/// unchanged, with the stand-in `auth` build context of `SeedStackTests`
/// (compose-examples/seed-auth: its entrypoint reaches `db` and `rabbitmq` by name), brought up by
/// `slipway up -d --wait` from nothing, beside docker compose's schedule.
struct SeedBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "up -d --wait of the seed's own compose file (auth built from a stand-in Dockerfile) against docker compose's probe schedule."
    )

    @Option(help: "The platform document holding Docker/docker-compose.yml.")
    var seed = "../shared/seed/000_d295d4ad505d4456.txt"

    @Option(help: "The stand-in for the seed's ../auth build context.")
    var standIn = "compose-examples/seed-auth"

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    /// The seed publishes `8003:8000`; the bench must not depend on that
    /// port being free, so a second file publishes it on an ephemeral one.
    static let ephemeralPorts = """
    services:
      auth-service:
        ports: !override ["8000"]

    """

    mutating func run() async throws {
        let binary = slipway ?? SupervisorRSSBenchCommand.siblingSlipway()
        let text = try String(contentsOfFile: seed, encoding: .utf8)
        guard let heading = text.range(of: "### Docker Compose (Local Development)\n"),
              let open = text.range(of: "```yaml\n", range: heading.upperBound..<text.endIndex),
              let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
        else { throw ValidationError("\(seed) has no Docker/docker-compose.yml block") }
        let stack = NSTemporaryDirectory() + "slipway-seed-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: stack + "/Docker", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: stack) }
        try FileManager.default.copyItem(atPath: standIn, toPath: stack + "/auth")
        try (String(text[open.upperBound..<close.lowerBound]) + "\n")
            .write(toFile: stack + "/Docker/docker-compose.yml", atomically: true, encoding: .utf8)
        try Self.ephemeralPorts.write(toFile: stack + "/ephemeral-ports.yml", atomically: true, encoding: .utf8)
        let common = [
            "-f", stack + "/Docker/docker-compose.yml", "-f", stack + "/ephemeral-ports.yml", "--state-dir", stack + "/state",
        ]
        defer { _ = try? SilentRun.status(binary, common + ["down", "-v"]) }
        let started = ContinuousClock.now
        let status = try SilentRun.status(binary, common + ["up", "-d", "--wait", "--wait-timeout", "300"])
        let wall = ContinuousClock.now - started
        guard status == 0 else { throw ValidationError("slipway up -d --wait exited \(status)") }
        print("""
        the seed's Docker/docker-compose.yml (db, rabbitmq, auth-service built from ../auth, sleeping 10 s), up -d --wait from nothing:
          slipway                   \(Self.seconds(wall))
          docker compose schedule   ≥ 40.0 s (rabbitmq's first probe 30 s after its start, then auth's 10 s sleep); \
        ≥ 60.0 s with auth's own first probe one 30 s interval after its start
        """)
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
