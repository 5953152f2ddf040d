import Foundation
import Glibc
import Testing

/// Service names resolve as on a container network (docs/service-discovery.md):
/// every form a compose file names a service in (a URL, a bare host variable
/// beside its port variable, a command argument) reaches that service on the
/// container port the file uses, through the proxy at the service's own address.
@Suite("service names reach their services")
struct ServiceNamesTests {
    static let hasPostgres = FileManager.default.fileExists(atPath: "/usr/lib/postgresql/15/bin/postgres")

    /// `client` holds db's name for its whole life and asks, every half
    /// second, when the server it reaches started; a restart of db changes
    /// the answer, never the client or the name it uses.
    static let postgresStack = """
    services:
      db:
        image: postgres:15
        environment:
          POSTGRES_PASSWORD: secret
          POSTGRES_USER: app
          POSTGRES_DB: shop
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -h db -p 5432 -U app"]
          interval: 1s
          timeout: 5s
          retries: 60
      client:
        depends_on:
          db:
            condition: service_healthy
        environment:
          DATABASE_URL: postgres://app:secret@db:5432/shop
          DB_HOST: db
          DB_PORT: "5432"
          PGPASSWORD: secret
        command:
          - bash
          - -c
          - |
            until (exec 3<>/dev/tcp/db/5432) 2>/dev/null; do sleep 0.2; done
            echo "tcp=reached"
            echo "url=$$(psql "$$DATABASE_URL" -Atc 'SELECT 40 + 2')"
            echo "hostvar=$$(psql -h "$$DB_HOST" -p "$$DB_PORT" -U app -d shop -Atc 'SELECT 40 + 3')"
            echo "command=$$(psql -h db -U app -d shop -Atc 'SELECT 40 + 4')"
            while true; do
              echo "postmaster=$$(psql -h db -U app -d shop -Atc 'SELECT pg_postmaster_start_time()' 2>&1)"
              sleep 0.5
            done
    """

    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func nameReachesPostgresFromURLHostVariableAndCommandAndSurvivesARestartOfDb() async throws {
        try await withStack(Self.postgresStack) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "120"], within: .seconds(150))
            #expect(up.status == 0, "\(up.errors)\n\(stack.log("db"))")
            #expect(await eventually(within: .seconds(60)) { stack.log("client").contains("postmaster=20") }, "\(stack.log("client"))")
            let log = stack.log("client")
            #expect(log.contains("tcp=reached"), "\(log)")
            #expect(log.contains("url=42"), "\(log)")
            #expect(log.contains("hostvar=43"), "\(log)")
            #expect(log.contains("command=44"), "\(log)")

            let client = try #require(try await stack.psRecords()["client"]?["Pid"] as? Int)
            let before = Self.postmasterStarts(in: stack.log("client"))
            #expect(before.count == 1, "\(before)")
            let restart = try await stack.run(["restart", "db"], within: .seconds(120))
            #expect(restart.status == 0, "\(restart.errors)")
            #expect(
                await eventually(within: .seconds(90)) { Self.postmasterStarts(in: stack.log("client")).count == 2 },
                "the client never reached the restarted db:\n\(stack.log("client"))")
            #expect(try await stack.psRecords()["client"]?["Pid"] as? Int == client, "the client was restarted")

            let down = try await stack.run(["down"])
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty })
        }
    }

    /// `client` asks `api:8000` for the serving instance's id every 20 ms,
    /// on a fresh connection each time, and logs every answer and failure.
    static let statelessStack = """
    services:
      api:
        command:
          - python3
          - -c
          - |
            import http.server, os
            class Instance(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(os.environ["SLIPWAY_INSTANCE"].encode())
                def log_message(self, *arguments): pass
            http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Instance).serve_forever()
        ports: ["8000"]
        x-slipway: {proxy: http, health_path: /, deploy: {drain: 30s, keep_previous: 0s, monitor: 1s}}
      client:
        # Started once api answers: a request before that fails whatever the deploy does.
        depends_on: {api: {condition: service_healthy}}
        command:
          - python3
          - -c
          - |
            import time, urllib.request
            while True:
                try:
                    print("ok", urllib.request.urlopen("http://api:8000/", timeout=30).read().decode(), flush=True)
                except Exception as error:
                    print("failed", repr(error), flush=True)
                time.sleep(0.02)
    """

    /// A blue-green deploy of a stateless service behind its name: the
    /// dependent's next request reaches green, and no request in between
    /// fails. (A stop-first restart of `db`, above, costs a short gap
    /// instead: docs/service-discovery.md.)
    @Test func aBlueGreenDeployBehindANameIsInvisibleToADependentRequestingItInALoop() async throws {
        try await withStack(Self.statelessStack) { stack in
            let up = try await stack.run(["up", "-d", "--wait"])
            #expect(up.status == 0, "\(up.errors)")
            let client = try await stack.psRecords()["client"]?["Pid"] as? Int
            #expect(await eventually(within: .seconds(30)) { stack.log("client").contains("ok api-1") }, "\(stack.log("client"))")
            let deploy = try await stack.run(["deploy", "--force", "api"], within: .seconds(120))
            #expect(deploy.status == 0, "\(deploy.errors)")
            #expect(await eventually(within: .seconds(30)) { stack.log("client").contains("ok api-2") }, "\(stack.log("client"))")
            let lines = stack.log("client").split(separator: "\n")
            let failures = lines.filter { $0.contains("failed") }
            let timeline = failures.isEmpty ? "" : try await stack.run(["deployments", "show", "3"]).output
            #expect(failures.isEmpty, "\(failures.count) of \(lines.count) requests failed: \(failures.prefix(5))\n\(timeline)\n\(stack.log("api"))")
            #expect(try await stack.psRecords()["client"]?["Pid"] as? Int == client, "the client was restarted")

            let down = try await stack.run(["down"])
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty })
        }
    }

    /// `client` holds one psycopg2 connection to `db:5432` and runs a query
    /// on it every 50 ms; when the connection breaks it logs the failure and
    /// opens a new one to the same `DATABASE_URL`.
    static let heldConnectionStack = """
    services:
      db:
        image: postgres:15
        environment: {POSTGRES_PASSWORD: secret}
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 1s
          # initdb on a loaded machine outlasts three probes a second apart.
          start_period: 120s
      client:
        depends_on:
          db: {condition: service_healthy}
        environment:
          DATABASE_URL: postgres://postgres:secret@db:5432/postgres
        command:
          - /usr/bin/python3
          - -c
          - |
            import os, time, psycopg2
            connection = None
            while True:
                try:
                    if connection is None:
                        connection = psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=5)
                        connection.autocommit = True
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_postmaster_start_time()")
                        print("postmaster=" + str(cursor.fetchone()[0]), flush=True)
                except psycopg2.Error as error:
                    print("failed", str(error).strip().replace("\\n", " "), flush=True)
                    connection = None
                time.sleep(0.05)
    """

    /// A stop-first restart of `db` (an image adapter's service) breaks the
    /// held connection and refuses new ones for a short gap; the dependent
    /// then reconnects to the same `db:5432` and reaches the new server
    /// with no change on its side (same process, same URL).
    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func aHeldConnectionToDbReconnectsToTheSameAddressAfterAStopFirstRestartWithAShortGap() async throws {
        try await withStack(Self.heldConnectionStack) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "120"], within: .seconds(150))
            #expect(up.status == 0, "\(up.errors)\n\(stack.log("db"))")
            #expect(await eventually(within: .seconds(60)) { Self.postmasterStarts(in: stack.log("client")).count == 1 },
                "\(stack.log("client"))")
            let client = try await stack.psRecords()["client"]?["Pid"] as? Int
            let restart = try await stack.run(["restart", "db"], within: .seconds(120))
            #expect(restart.status == 0, "\(restart.errors)")
            #expect(
                await eventually(within: .seconds(90)) { Self.postmasterStarts(in: stack.log("client")).count == 2 },
                "the client never reached the restarted db:\n\(stack.log("client"))")
            #expect(stack.log("client").contains("failed"), "a stop-first restart went unnoticed by a held connection")
            #expect(try await stack.psRecords()["client"]?["Pid"] as? Int == client, "the client was restarted")

            let down = try await stack.run(["down"])
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty })
        }
    }

    private static func postmasterStarts(in log: String) -> Set<String> {
        Set(log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "postmaster=20") else { return nil }
            return String(line[range.lowerBound...])
        })
    }

    /// `web` answers with its project's marker; `client` fetches `web:8000`;
    /// `loner` is on another network and must not see the name.
    static let markerStack = """
    services:
      web:
        expose: ["8000"]
        command: python3 -m http.server $${PORT} --bind 127.0.0.1
      client:
        depends_on: [web]
        command:
          - python3
          - -c
          - |
            import time, urllib.request
            while True:
                try:
                    print("got", urllib.request.urlopen("http://web:8000/marker", timeout=5).read().decode().strip(), flush=True)
                    break
                except OSError:
                    time.sleep(0.2)
            time.sleep(300)
      loner:
        networks: [other]
        command: sh -c 'getent hosts web || echo "web=unknown"; sleep 300'
    networks:
      other: {}
    """

    @Test func twoProjectsFromOneFileEachNameReachesItsOwnProjectsService() async throws {
        try await withStack(Self.markerStack) { first in
            try await withStack(Self.markerStack) { second in
                for stack in [first, second] {
                    try stack.runID.write(toFile: stack.directory + "/marker", atomically: true, encoding: .utf8)
                }
                async let upFirst = first.run(["up", "-d", "--wait", "--wait-timeout", "60"])
                async let upSecond = second.run(["up", "-d", "--wait", "--wait-timeout", "60"])
                let results = try await [upFirst, upSecond]
                #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.errors))")
                for stack in [first, second] {
                    #expect(
                        await eventually(within: .seconds(30)) { stack.log("client").contains("got \(stack.runID)") },
                        "\(stack.log("client"))\n\(stack.log("web"))")
                    #expect(await eventually(within: .seconds(30)) { stack.log("loner").contains("web=unknown") }, "\(stack.log("loner"))")
                }
                for stack in [first, second] { _ = try await stack.run(["down"]) }
            }
        }
    }

    @Test func withoutNamespacesNamesInEnvironmentValuesAreRewrittenAndSaidSo() async throws {
        try await withStack("""
        services:
          web:
            expose: ["8000"]
            command: python3 -m http.server $${PORT} --bind 127.0.0.1
          client:
            depends_on: [web]
            environment:
              WEB_URL: http://web:8000/marker
              WEB_HOST: web
            command:
              - python3
              - -c
              - |
                import os, time, urllib.request
                print("host", os.environ["WEB_HOST"], flush=True)
                while True:
                    try:
                        print("got", urllib.request.urlopen(os.environ["WEB_URL"], timeout=5).read().decode().strip(), flush=True)
                        break
                    except OSError:
                        time.sleep(0.2)
                time.sleep(300)
        """) { stack in
            try stack.runID.write(toFile: stack.directory + "/marker", atomically: true, encoding: .utf8)
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"], environment: ["SLIPWAY_NAMESPACES": "off"])
            #expect(up.status == 0, "\(up.errors)")
            #expect(await eventually(within: .seconds(30)) { stack.log("client").contains("got \(stack.runID)") }, "\(stack.log("client"))")
            #expect(stack.log("client").contains("host 127."), "\(stack.log("client"))")
            #expect(stack.log("client").contains("no private /etc/hosts"), "\(stack.log("client"))")
            _ = try await stack.run(["down"])
        }
    }
}
