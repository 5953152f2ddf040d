import ArgumentParser
import Foundation
import Glibc

/// `slipway-bench seed`: the platform document's own `Docker/docker-compose.yml`,
/// unchanged, with the stand-in `auth` build context of `SeedStackTests`
/// (its entrypoint reaches `db` and `rabbitmq` by name), brought up by
/// `slipway up -d --wait` from nothing, beside docker compose's schedule.
struct SeedBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "up -d --wait of the seed's own compose file (auth built from a stand-in Dockerfile) against docker compose's probe schedule."
    )

    @Option(help: "The platform document holding Docker/docker-compose.yml.")
    var seed = "../shared/seed/000_d295d4ad505d4456.txt"

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    /// The same stand-in as `SeedStackTests`: a Dockerfile shaped as the
    /// seed's, and an entrypoint that creates and opens the database its URL
    /// names and opens an AMQP handshake before it answers `/health/`.
    static let dockerfile = """
    FROM python:3.11-slim
    WORKDIR /app
    ENV PYTHONUNBUFFERED=1
    EXPOSE 8000
    HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \\
        CMD curl -f http://localhost:8000/health/ || exit 1
    CMD ["./entrypoint.sh"]

    """

    static let entrypoint = """
    #!/bin/sh
    exec /usr/bin/python3 - <<'PY'
    import http.server, os, socket, time, urllib.parse
    import psycopg2
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(host=url.hostname, port=url.port, user=url.username, password=url.password, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.path.lstrip("/"),))
        if cursor.fetchone() is None:
            cursor.execute("CREATE DATABASE " + url.path.lstrip("/"))
    database = psycopg2.connect(os.environ["DATABASE_URL"])
    broker = urllib.parse.urlsplit(os.environ["DJANGO_CELERY_BROKER_URL"])
    # `rabbitmq-diagnostics ping` passes before the AMQP listener opens;
    # like celery at startup, retry the broker for a minute.
    deadline = time.monotonic() + 60
    while True:
        try:
            amqp = socket.create_connection((broker.hostname, broker.port), timeout=10)
            amqp.sendall(b"AMQP\\x00\\x00\\x09\\x01")
            if amqp.recv(1) == b"\\x01":
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "no AMQP Connection.Start"
        time.sleep(0.5)
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/health/" else 404)
            self.end_headers()
        def log_message(self, *arguments):
            pass
    http.server.HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Health).serve_forever()
    PY

    """

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
        for folder in ["Docker", "auth"] {
            try FileManager.default.createDirectory(atPath: stack + "/" + folder, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: stack) }
        try (String(text[open.upperBound..<close.lowerBound]) + "\n")
            .write(toFile: stack + "/Docker/docker-compose.yml", atomically: true, encoding: .utf8)
        try Self.dockerfile.write(toFile: stack + "/auth/Dockerfile", atomically: true, encoding: .utf8)
        try Self.entrypoint.write(toFile: stack + "/auth/entrypoint.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stack + "/auth/entrypoint.sh")
        try Self.ephemeralPorts.write(toFile: stack + "/ephemeral-ports.yml", atomically: true, encoding: .utf8)
        let common = [
            "-f", stack + "/Docker/docker-compose.yml", "-f", stack + "/ephemeral-ports.yml", "--state-dir", stack + "/state",
        ]
        defer { _ = try? Self.run(binary, common + ["down", "-v"]) }
        let started = ContinuousClock.now
        let status = try Self.run(binary, common + ["up", "-d", "--wait", "--wait-timeout", "300"])
        let wall = ContinuousClock.now - started
        guard status == 0 else { throw ValidationError("slipway up -d --wait exited \(status)") }
        print("""
        the seed's Docker/docker-compose.yml (db, rabbitmq, auth-service built from ../auth, sleeping 10 s), up -d --wait from nothing:
          slipway                   \(Self.seconds(wall))
          docker compose schedule   ≥ 40.0 s (rabbitmq's first probe 30 s after its start, then auth's 10 s sleep); \
        ≥ 60.0 s with auth's own first probe one 30 s interval after its start
        """)
    }

    private static func run(_ binary: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
