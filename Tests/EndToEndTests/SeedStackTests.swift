import Foundation
import SlipwayTestSupport
import Testing

/// The platform document's own `Docker/docker-compose.yml`, unchanged, with
/// a stand-in `auth` build context written here: a Dockerfile as the seed's
/// (WORKDIR, ENV, EXPOSE 8000, CMD, the `curl -f http://localhost:8000/health/`
/// HEALTHCHECK) and an entrypoint that reaches Postgres at `db` through
/// `DATABASE_URL` and RabbitMQ at `rabbitmq:5672` before it answers.
@Suite("up: the seed's compose file")
struct SeedStackTests {
    static let hasServers = FileManager.default.fileExists(atPath: "/usr/lib/postgresql/15/bin/postgres")
        && FileManager.default.fileExists(atPath: "/usr/lib/rabbitmq/bin/rabbitmq-server")

    static let dockerfile = """
    FROM python:3.11-slim
    WORKDIR /app
    ENV PYTHONUNBUFFERED=1
    EXPOSE 8000
    HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \\
        CMD curl -f http://localhost:8000/health/ || exit 1
    CMD ["./entrypoint.sh"]

    """

    /// Creates the database the URL names (the seed's db has only the
    /// default one), opens a connection to it and an AMQP handshake with the
    /// broker, then serves `/health/` on the instance's port.
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
            with database.cursor() as cursor:
                cursor.execute("SELECT current_database()")
                name = cursor.fetchone()[0]
            self.send_response(200 if self.path == "/health/" else 404)
            self.end_headers()
            self.wfile.write(("healthy " + name).encode())
        def log_message(self, *arguments):
            pass
    print("auth ready", flush=True)
    http.server.HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Health).serve_forever()
    PY

    """

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
        for folder in ["Docker", "auth"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        let seedFile = directory + "/Docker/docker-compose.yml"
        try SeedComposeConfigTests.block("yaml", after: "### Docker Compose (Local Development)")
            .write(toFile: seedFile, atomically: true, encoding: .utf8)
        try Self.dockerfile.write(toFile: directory + "/auth/Dockerfile", atomically: true, encoding: .utf8)
        try Self.entrypoint.write(toFile: directory + "/auth/entrypoint.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/auth/entrypoint.sh")
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
            let health = try ClientRun("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/health/"])
            #expect(health.status == 0 && health.output == "healthy authservice", "\(health.output)")

            let down = try await stack.run(files + ["down"], within: .seconds(60))
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(15)) { stack.processes().isEmpty }, "left running: \(stack.processes())")
        } catch {
            await stack.killLeftovers()
            throw error
        }
        await stack.killLeftovers()
    }
}
