import Foundation
import SlipwayTestSupport
import FoundationNetworking
import Glibc
import Testing

/// `image: postgres`, `image: redis`, `image: rabbitmq` with no command run
/// the machine's own servers (docs/images.md), reached through their
/// published ports with the real clients, behind the images' own health
/// checks as compose files write them.
@Suite("image adapters: postgres, redis and rabbitmq run from the machine's servers")
struct ImageAdapterTests {
    static let hasPostgres = FileManager.default.fileExists(atPath: "/usr/lib/postgresql/15/bin/postgres")
    static let hasRedis = FileManager.default.fileExists(atPath: "/usr/bin/redis-server")
    static let hasRabbitMQ = FileManager.default.fileExists(atPath: "/usr/lib/rabbitmq/bin/rabbitmq-server")

    static let postgresStack = """
    services:
      db:
        image: postgres:15
        environment:
          POSTGRES_PASSWORD: secret
          POSTGRES_USER: app
          POSTGRES_DB: shop
        volumes:
          - pgdata:/var/lib/postgresql/data
          - ./initdb:/docker-entrypoint-initdb.d
        ports: ["5432"]
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 10s
          timeout: 5s
          retries: 5
    volumes:
      pgdata:
    """

    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func postgresServesPsqlRunsInitScriptsOnceAndKeepsItsVolumeUntilDownV() async throws {
        try await withStack(Self.postgresStack) { stack in
            try await Self.writeInitScripts(in: stack.directory + "/initdb")
            let first = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "120"], within: .seconds(150))
            #expect(first.status == 0, "\(first.errors)\n\(stack.log("db"))")
            let records = try await stack.psRecords()
            let port = try #require(Self.publishedPort(records["db"], target: 5432), "\(records)")
            #expect(records["db"]?["Image"] as? String == "postgres:15")
            let rows = try await ClientRun(Self.psql, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "app", "-d", "shop", "-Atc",
                "SELECT string_agg(source, ',' ORDER BY source) FROM visits"], environment: ["PGPASSWORD": "secret"])
            #expect(rows.output.trimmingCharacters(in: .whitespacesAndNewlines) == "gz,sh,sql", "\(rows.output)")
            let refused = try await ClientRun(Self.psql, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "app", "-d", "shop", "-Atc", "SELECT 1"],
                environment: ["PGPASSWORD": "wrong"])
            #expect(refused.status != 0 && refused.output.contains("password authentication failed"), "\(refused.output)")
            if geteuid() == 0, let pid = records["db"]?["Pid"] as? Int {
                #expect(Self.owner(of: pid) == getpwnam("postgres")?.pointee.pw_uid, "postgres runs as the postgres account")
            }

            let down = try await stack.run(["down"])
            #expect(down.status == 0, "\(down.errors)")
            #expect(FileManager.default.fileExists(atPath: stack.stateDirectory + "/volumes/pgdata/PG_VERSION"))

            let second = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "120"], within: .seconds(150))
            #expect(second.status == 0, "\(second.errors)")
            let again = try #require(Self.publishedPort(try await stack.psRecords()["db"], target: 5432))
            let kept = try await ClientRun(Self.psql, ["-h", "127.0.0.1", "-p", "\(again)", "-U", "app", "-d", "shop", "-Atc",
                "SELECT string_agg(source, ',' ORDER BY source) FROM visits"], environment: ["PGPASSWORD": "secret"])
            #expect(kept.output.trimmingCharacters(in: .whitespacesAndNewlines) == "gz,sh,sql", "init scripts ran again: \(kept.output)")
            #expect(!stack.log("db").contains("running "), "the second start ran init scripts")

            let downVolumes = try await stack.run(["down", "-v"])
            #expect(downVolumes.status == 0, "\(downVolumes.errors)")
            #expect(!FileManager.default.fileExists(atPath: stack.stateDirectory + "/volumes"))
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty })
        }
    }

    /// docs/deploy.md: an image adapter's service redeploys stop-first, since two
    /// servers cannot share one data directory; the data outlives the instance.
    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func aDeployOfPostgresStopsTheOldServerFirstAndKeepsItsData() async throws {
        func compose(version: Int) -> String {
            """
            services:
              db:
                image: postgres:15
                environment: {POSTGRES_PASSWORD: secret, VERSION: "\(version)"}
                volumes: [pgdata:/var/lib/postgresql/data]
                ports: ["5432"]
                healthcheck:
                  test: ["CMD", "pg_isready", "-U", "postgres"]
                  interval: 1s
                  start_period: 120s
            volumes:
              pgdata:
            """
        }
        try await withStack(compose(version: 1)) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "120"], within: .seconds(150))
            #expect(up.status == 0, "\(up.errors)\n\(stack.log("db"))")
            let port = try #require(Self.publishedPort(try await stack.psRecords()["db"], target: 5432))
            let psql = { (sql: String) in
                try await ClientRun(Self.psql, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-Atc", sql],
                    environment: ["PGPASSWORD": "secret"])
            }
            let created = try await psql("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
            #expect(created.status == 0, "\(created.output)")

            try compose(version: 2).write(toFile: stack.composeFile, atomically: true, encoding: .utf8)
            let deploy = try await stack.run(["deploy", "db"], within: .seconds(150))
            let read = try await psql("SELECT x FROM kept")
            let name = try await stack.psRecords()["db"]?["Name"] as? String
            let down = try await stack.run(["down"])

            #expect(deploy.status == 0, "\(deploy.errors)\n\(stack.log("db"))")
            let stopped = deploy.errors.range(of: "Stopped previous db-1"), started = deploy.errors.range(of: "Started db-2")
            #expect(stopped != nil && started != nil && stopped!.lowerBound < started!.lowerBound, "\(deploy.errors)")
            #expect(read.output.trimmingCharacters(in: .whitespacesAndNewlines) == "42", "\(read.output)")
            #expect(name?.hasSuffix("-db-2") == true, "\(name ?? "no db")")
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty })
        }
    }

    @Test func postgresWithoutPasswordIsRefusedBeforeAnythingStarts() async throws {
        try await withStack("""
        services:
          web:
            command: sleep 300
          db:
            image: postgres:15
            environment:
              POSTGRES_DB: shop
        """) { stack in
            let up = try await stack.run(["up", "-d"])
            #expect(up.status == 1, "\(up.errors)")
            #expect(up.errors.contains("compose.yaml:7:"), "\(up.errors)")
            #expect(up.errors.contains("POSTGRES_PASSWORD") && up.errors.contains("POSTGRES_HOST_AUTH_METHOD: trust"), "\(up.errors)")
            #expect(stack.processes().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: stack.stateDirectory + "/logs"))
        }
    }

    @Test func aMissingServerIsNamedWithItsDebianPackage() async throws {
        try await withStack("""
        services:
          db:
            image: postgres:9
            environment: {POSTGRES_PASSWORD: secret}
        """) { stack in
            let up = try await stack.run(["up", "-d"])
            #expect(up.status == 3, "\(up.errors)")
            #expect(up.errors.contains("/usr/lib/postgresql/9/bin/postgres"), "\(up.errors)")
            #expect(up.errors.contains("install the Debian package postgresql-9"), "\(up.errors)")
            _ = try await stack.run(["down"])
        }
    }

    @Test(.enabled(if: hasRedis, "redis-server is not installed (.ci/run installs it)"))
    func redisKeepsItsArgumentsAndAnswersRedisCliAndItsHealthCheck() async throws {
        try await withStack("""
        services:
          cache:
            image: redis:7
            command: redis-server --appendonly yes
            ports: ["6379"]
            healthcheck:
              test: ["CMD", "redis-cli", "ping"]
              interval: 10s
        """) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"])
            #expect(up.status == 0, "\(up.errors)\n\(stack.log("cache"))")
            let records = try await stack.psRecords()
            let port = try #require(Self.publishedPort(records["cache"], target: 6379), "\(records)")
            #expect(records["cache"]?["Command"] as? String == "redis-server --appendonly yes")
            let set = try await ClientRun("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", "\(port)", "SET", "greeting", "hello"])
            let get = try await ClientRun("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", "\(port)", "GET", "greeting"])
            let appendOnly = try await ClientRun("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", "\(port)", "CONFIG", "GET", "appendonly"])
            #expect(set.output.contains("OK") && get.output.contains("hello"), "\(set.output) \(get.output)")
            #expect(appendOnly.output.contains("yes"), "\(appendOnly.output)")
            _ = try await stack.run(["down"])
            #expect(FileManager.default.fileExists(atPath: stack.stateDirectory + "/data/cache/appendonlydir"))
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty })
        }
    }

    /// One file, two projects at once: two RabbitMQ nodes and two Postgres
    /// servers, each reached on its own ports, none sharing a node, epmd or
    /// data directory. RabbitMQ takes seconds to boot, so it is tested here only.
    @Test(.enabled(if: hasRabbitMQ && hasPostgres, "rabbitmq-server or PostgreSQL 15 is not installed (.ci/run installs them)"))
    func twoProjectsFromOneFileRunSideBySide() async throws {
        let first = try TestStack("""
        services:
          db:
            image: postgres:15
            environment: {POSTGRES_HOST_AUTH_METHOD: trust}
            ports: ["5432"]
            healthcheck:
              test: ["CMD-SHELL", "pg_isready -U postgres"]
              interval: 10s
              # Two first-time setups beside two RabbitMQ boots on two cores.
              start_period: 120s
          queue:
            image: rabbitmq:3-management
            environment:
              RABBITMQ_DEFAULT_USER: admin
              RABBITMQ_DEFAULT_PASS: admin
            ports: ["5672", "15672"]
            healthcheck:
              test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
              interval: 30s
              timeout: 10s
              retries: 5
        """)
        let second = try TestStack(composeFile: first.composeFile)
        defer { try? FileManager.default.removeItem(atPath: second.directory) }
        do {
            let up = ["up", "-d", "--wait", "--wait-timeout", "240"]
            async let one = first.run(["-p", "one"] + up, within: .seconds(300))
            async let two = second.run(["-p", "two"] + up, within: .seconds(300))
            let (upOne, upTwo) = try await (one, two)
            #expect(upOne.status == 0, "\(upOne.errors)\n\(first.log("queue"))")
            #expect(upTwo.status == 0, "\(upTwo.errors)\n\(second.log("queue"))")
            for stack in [first, second] {
                // RabbitMQ's helper nodes take ports of their own; that is no user's mistake to warn about.
                #expect(!stack.log("queue").contains("which Slipway did not give it"), "\(stack.log("queue"))")
            }

            var nodes: [String] = []
            for (stack, project) in [(first, "one"), (second, "two")] {
                let records = try await stack.psRecords(["-p", project])
                let amqp = try #require(Self.publishedPort(records["queue"], target: 5672), "\(records)")
                let management = try #require(Self.publishedPort(records["queue"], target: 15672))
                let database = try #require(Self.publishedPort(records["db"], target: 5432))
                let message = try await ClientRun("/usr/bin/python3", ["-c", Self.publishAndGet, "\(amqp)", project], within: .seconds(120))
                #expect(message.output.contains("got \(project)"), "\(message.output)")
                let overview = try await ClientRun("/usr/bin/curl", ["-s", "-u", "admin:admin", "http://127.0.0.1:\(management)/api/overview"])
                let node = try #require(
                    (try? JSONSerialization.jsonObject(with: Data(overview.output.utf8)) as? [String: Any])?["node"] as? String,
                    "\(overview.output)")
                nodes.append(node)
                let select = try await ClientRun(Self.psql, ["-h", "127.0.0.1", "-p", "\(database)", "-U", "postgres", "-Atc", "SELECT 1"])
                #expect(select.output.hasPrefix("1"), "\(select.output)")
            }
            #expect(Set(nodes).count == 2, "\(nodes)")

            let downOne = try await first.run(["-p", "one", "down"], within: .seconds(90))
            let downTwo = try await second.run(["-p", "two", "down"], within: .seconds(90))
            #expect(downOne.status == 0 && downTwo.status == 0, "\(downOne.errors) \(downTwo.errors)")
            #expect(await eventually(within: .seconds(60)) { first.processes().isEmpty && second.processes().isEmpty },
                "left running (epmd included): \(first.processes() + second.processes())")
        } catch {
            await first.killLeftovers()
            await second.killLeftovers()
            throw error
        }
        await first.killLeftovers()
        await second.killLeftovers()
    }

    // MARK: - Helpers

    static let psql = "/usr/lib/postgresql/15/bin/psql"

    /// An AMQP 0-9-1 client (pika, as a service would use): publish one
    /// message and read it back, retrying the connection until the node
    /// accepts clients (its health check answers before its listeners open).
    static let publishAndGet = """
    import sys, time, pika
    port, body = int(sys.argv[1]), sys.argv[2].encode()
    deadline = time.monotonic() + 90
    while True:
        try:
            connection = pika.BlockingConnection(pika.ConnectionParameters(
                "127.0.0.1", port, credentials=pika.PlainCredentials("admin", "admin")))
            break
        except pika.exceptions.AMQPConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    channel = connection.channel()
    channel.queue_declare("tickets")
    channel.basic_publish("", "tickets", body)
    deadline = time.monotonic() + 10
    method, properties, received = channel.basic_get("tickets", auto_ack=True)
    while received is None and time.monotonic() < deadline:
        time.sleep(0.05)
        method, properties, received = channel.basic_get("tickets", auto_ack=True)
    print("got", received.decode())
    connection.close()
    """

    static func writeInitScripts(in directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "CREATE TABLE visits (source text);\nINSERT INTO visits VALUES ('sql');\n"
            .write(toFile: directory + "/01-schema.sql", atomically: true, encoding: .utf8)
        // Not executable: sourced, as the image does; psql bare reaches the initialising server.
        try "psql -v ON_ERROR_STOP=1 --username \"$POSTGRES_USER\" --dbname \"$POSTGRES_DB\" -c \"INSERT INTO visits VALUES ('sh')\"\n"
            .write(toFile: directory + "/02-more.sh", atomically: true, encoding: .utf8)
        try "INSERT INTO visits VALUES ('gz');\n".write(toFile: directory + "/03-data.sql", atomically: true, encoding: .utf8)
        let gzip = try await ClientRun("/bin/gzip", [directory + "/03-data.sql"])
        #expect(gzip.status == 0, "\(gzip.output)")
    }

    static func publishedPort(_ record: [String: Any]?, target: Int) -> Int? {
        let publishers = record?["Publishers"] as? [[String: Any]] ?? []
        return publishers.first { $0["TargetPort"] as? Int == target }?["PublishedPort"] as? Int
    }

    static func owner(of pid: Int) -> uid_t? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") })
        else { return nil }
        return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { uid_t($0) }
    }
}

/// A client program run to its end, output and errors together.
struct ClientRun {
    var status: Int32
    var output: String

    @discardableResult
    init(_ program: String, _ arguments: [String], environment: [String: String] = [:], within deadline: Duration = .seconds(60)) async throws {
        let buffer = try CapturedOutput()
        let process: ChildProcess
        do {
            defer { buffer.childStarted() }
            process = try ChildProcess(
                program, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                stdout: buffer.writeEnd, stderr: buffer.writeEnd)
        }
        status = try await process.waitUntilExit(within: deadline)
        let end = ContinuousClock.now + .seconds(15)
        while !buffer.closed, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(5)) }
        output = buffer.text
    }
}
