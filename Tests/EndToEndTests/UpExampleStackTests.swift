import Foundation
import FoundationNetworking
import Glibc
import Testing

/// The repository's ticket-tracking example (the seed's `image: postgres:15`
/// and `image: rabbitmq:3-management` run by image adapters, a migration
/// one-shot, three HTTP services on psycopg2 and pika) run by `slipway up`.
@Suite("up: the ticket-tracking example")
struct UpExampleStackTests {
    private static let example = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("compose-examples/ticket-tracking/compose.yaml").path
    private static let hasPostgres = FileManager.default.fileExists(atPath: "/usr/lib/postgresql/15/bin/postgres")
    private static let hasRabbitMQ = FileManager.default.fileExists(atPath: "/usr/lib/rabbitmq/bin/rabbitmq-server")
    private static let portVariables = [
        "TICKET_SERVICE_HTTP_PORT", "WORKFLOW_API_HTTP_PORT", "AUTH_SERVICE_HTTP_PORT", "RABBITMQ_AMQP_PORT",
        "RABBITMQ_MANAGEMENT_PORT",
    ]

    /// The services that need no broker, in the foreground: RabbitMQ's boot
    /// is paid once, in the detached test below.
    @Test(.enabled(if: hasPostgres, "PostgreSQL 15 is not installed (.ci/run installs it)"))
    func bringsTheDatabaseSideUpServesItsPortsAndLeavesNothing() async throws {
        let stack = try TestStack(composeFile: Self.example)
        let up = try stack.start(["up", "workflow-api"], environment: Self.ephemeralPorts)
        let healthy = await eventually(within: .seconds(90)) {
            ["db", "ticket-service", "workflow-api"].allSatisfy { up.states(of: $0).contains("Healthy") }
        }
        var bodies: [String] = []
        for service in ["ticket-service", "workflow-api"] {
            let port = await Self.publishedPort(stack, service, target: 8000) ?? 0
            bodies.append(await Self.get("http://127.0.0.1:\(port)/health/") ?? "no answer on \(port)")
        }
        up.signal(SIGINT)
        let status = await up.waitForExit(within: .seconds(60))
        let gone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }
        await up.cleanUp()

        #expect(healthy, "\(up.output)\(up.errors)")
        #expect(up.states(of: "migrate").contains("Completed"))
        #expect(up.states(of: "rabbitmq").isEmpty && up.states(of: "auth-service").isEmpty)
        for body in bodies { #expect(body.contains("\"status\": \"healthy\""), "\(body)") }
        #expect(status == 0)
        #expect(gone)
    }

    @Test(.enabled(if: hasPostgres && hasRabbitMQ, "PostgreSQL 15 or rabbitmq-server is not installed (.ci/run installs them)"))
    func detachedWaitServesEachPortPublishesToRabbitMQThenDownLeavesNothing() async throws {
        let stack = try TestStack(composeFile: Self.example)
        let up = try await stack.run(
            ["up", "-d", "--wait", "--wait-timeout", "180"], environment: Self.ephemeralPorts, within: .seconds(210))
        var ports: [String: Int] = [:]
        for (service, target) in [("ticket-service", 8000), ("workflow-api", 8000), ("auth-service", 8000), ("rabbitmq", 5672)] {
            ports[service] = await Self.publishedPort(stack, service, target: target)
        }
        var bodies: [String] = []
        for service in ["ticket-service", "workflow-api", "auth-service"] {
            let port = ports[service] ?? 0
            bodies.append(await Self.get("http://127.0.0.1:\(port)/health/") ?? "no answer on \(port)")
        }
        let registered = await Self.post(
            "http://127.0.0.1:\(ports["auth-service"] ?? 0)/api/v1/users/",
            #"{"username": "ann", "email": "ann@example.com", "password": "pw"}"#)
        let event = try? await ClientRun("/usr/bin/python3", ["-c", Self.takeOneEvent, String(ports["rabbitmq"] ?? 0)], within: .seconds(60))
        let down = try await stack.run(["down"], within: .seconds(60))
        let gone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }
        let listening = ListeningPorts.current()
        await stack.killLeftovers()

        #expect(up.status == 0, "\(up.errors)")
        #expect(up.errors.contains("ticket-tracking-migrate-1") && up.errors.contains("Completed"), "\(up.errors)")
        for body in bodies { #expect(body.contains("\"status\": \"healthy\"") && body.contains("\"database\": \"ok\""), "\(body)") }
        #expect(registered?.contains("\"username\": \"ann\"") == true, "\(registered ?? "no answer")")
        #expect(event?.output.contains("\"event\": \"user.registered\"") == true, "\(event?.output ?? "pika did not run")")
        #expect(down.status == 0, "\(down.errors)")
        #expect(gone, "left running (epmd included): \(stack.processes())")
        #expect(ports.count == 4, "\(up.errors)")
        for port in ports.values { #expect(!listening.contains(port), "port \(port) still listens") }
    }

    /// Every port published on 0: the proxy binds a port the kernel picks,
    /// and the test reads it back from `ps`.
    private static let ephemeralPorts = Dictionary(uniqueKeysWithValues: portVariables.map { ($0, "0") })

    private static func publishedPort(_ stack: TestStack, _ service: String, target: Int) async -> Int? {
        let publishers = (try? await stack.psRecords())?[service]?["Publishers"] as? [[String: Any]] ?? []
        return publishers.first { $0["TargetPort"] as? Int == target }?["PublishedPort"] as? Int
    }

    /// A consumer as a worker would be written: pika, one message off `ticket-events`.
    private static let takeOneEvent = """
    import sys, pika
    connection = pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", int(sys.argv[1]), credentials=pika.PlainCredentials("admin", "admin")))
    method, properties, body = connection.channel().basic_get("ticket-events", auto_ack=True)
    print(body.decode() if body else "no message")
    connection.close()
    """

    private static func post(_ address: String, _ body: String) async -> String? {
        var request = URLRequest(url: URL(string: address)!, timeoutInterval: 60)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        guard let (data, _) = try? await URLSession.shared.data(for: request) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func get(_ address: String) async -> String? {
        guard let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: URL(string: address)!, timeoutInterval: 30)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
