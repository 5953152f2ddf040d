import ArgumentParser
import Foundation
import Glibc
import SlipwayRuntime

/// `slipway-bench images`: the seed's stack shape (postgres with a 10 s
/// health interval, rabbitmq with 30 s, a web service waiting on both with
/// `service_healthy`) brought up by `slipway up -d --wait`, cold (first
/// initialisation) and warm (the volume kept by `down`), beside docker
/// compose's schedule, whose first probe comes one interval after a start.
struct ImagesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "up -d --wait of a seed-shaped postgres + rabbitmq + web stack against docker compose's probe schedule."
    )

    @Option(help: "Runs (each a cold and a warm bring-up; the median is reported).")
    var runs = 3

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    static let intervals = (postgres: 10, rabbitmq: 30)

    static let compose = """
    services:
      db:
        image: postgres:15
        environment:
          POSTGRES_PASSWORD: postgrespass
        volumes:
          - postgres_data:/var/lib/postgresql/data
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: \(intervals.postgres)s
          timeout: 5s
          retries: 5
      rabbitmq:
        image: rabbitmq:3-management
        environment:
          RABBITMQ_DEFAULT_USER: admin
          RABBITMQ_DEFAULT_PASS: admin
        volumes:
          - rabbitmq_data:/var/lib/rabbitmq
        healthcheck:
          test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
          interval: \(intervals.rabbitmq)s
          timeout: 10s
          retries: 5
      web:
        command: python3 -m http.server $$PORT --bind 127.0.0.1
        expose: ["8000"]
        depends_on:
          db: {condition: service_healthy}
          rabbitmq: {condition: service_healthy}
    volumes:
      postgres_data:
      rabbitmq_data:
    """

    mutating func run() async throws {
        let binary = slipway ?? SupervisorRSSBenchCommand.siblingSlipway()
        var cold: [Duration] = []
        var warm: [Duration] = []
        var healthy: [String: [Duration]] = [:]
        for _ in 0..<runs {
            let stack = NSTemporaryDirectory() + "slipway-images-\(getpid())-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: stack, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: stack) }
            try Self.compose.write(toFile: stack + "/compose.yaml", atomically: true, encoding: .utf8)
            let common = ["-f", stack + "/compose.yaml", "--state-dir", stack + "/state"]
            defer { _ = try? SilentRun.status(binary, common + ["down", "-v"]) }
            cold.append(try Self.timedUp(binary, common))
            _ = try SilentRun.status(binary, common + ["down"])
            warm.append(try Self.timedUp(binary, common))
            for service in ["db", "rabbitmq"] {
                if let time = Self.startToHealthy(service, state: stack + "/state") { healthy[service, default: []].append(time) }
            }
        }
        let schedule = max(Self.intervals.postgres, Self.intervals.rabbitmq)
        print("""
        seed-shaped stack (postgres:15 interval \(Self.intervals.postgres)s, rabbitmq:3-management interval \
        \(Self.intervals.rabbitmq)s, web service_healthy on both), up -d --wait, median of \(runs):
          slipway, cold (initdb, new node)   \(Self.seconds(Self.median(cold)))
          slipway, warm (volumes kept)       \(Self.seconds(Self.median(warm)))
            db start to healthy (warm)       \(healthy["db"].map { Self.seconds(Self.median($0)) } ?? "n/a")
            rabbitmq start to healthy (warm) \(healthy["rabbitmq"].map { Self.seconds(Self.median($0)) } ?? "n/a")
          docker compose schedule            ≥ \(schedule).0 s (first probe one interval after start; web waits for the slower)
        """)
    }

    private static func timedUp(_ binary: String, _ common: [String]) throws -> Duration {
        let started = ContinuousClock.now
        let status = try SilentRun.status(binary, common + ["up", "-d", "--wait", "--wait-timeout", "300"])
        let wall = ContinuousClock.now - started
        guard status == 0 else { throw ValidationError("slipway up -d --wait exited \(status)") }
        return wall
    }

    private static func startToHealthy(_ service: String, state: String) -> Duration? {
        let records = LogReader.last(500, of: LogSource(service: service, path: state + "/logs/\(service).log"))
        guard let starting = records.last(where: { $0.text.hasSuffix("  Starting") })?.timestamp,
              let healthy = records.last(where: { $0.text.contains("  Healthy") })?.timestamp
        else { return nil }
        return .seconds(healthy.seconds - starting.seconds) + .nanoseconds(Int64(healthy.nanoseconds) - Int64(starting.nanoseconds))
    }

    private static func median(_ values: [Duration]) -> Duration {
        values.sorted()[values.count / 2]
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
