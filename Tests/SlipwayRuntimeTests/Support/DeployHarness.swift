import ComposeKit
import Foundation
import SlipwayStore
import SlipwayTestSupport
import Synchronization
@testable import SlipwayRuntime

/// A project read from a real compose file, run by a real supervisor; the
/// file can be rewritten and deployed as a user would.
final class DeployHarness: Sendable {
    let directory: TemporaryDirectory
    let supervisor: Supervisor
    private let collector: Task<Void, Never>

    init(_ compose: String) throws {
        directory = try TemporaryDirectory()
        try VersionServer.source.write(toFile: directory.path + "/" + VersionServer.fileName, atomically: true, encoding: .utf8)
        try compose.write(toFile: directory.path + "/compose.yaml", atomically: true, encoding: .utf8)
        let project = try ProjectLoader(options: Self.options(directory.path)).load().project
        supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: project, stateDirectory: StateDirectory(path: directory.path + "/state"),
            shimExecutable: BuiltBinary.shim, terminal: nil, environment: ProcessInfo.processInfo.environment))
        let events = supervisor.events
        collector = Task { for await _ in events {} }
    }

    private static func options(_ directory: String) -> LoadOptions {
        LoadOptions(files: [directory + "/compose.yaml"], workingDirectory: directory)
    }

    /// The service's log file as stored (`<timestamp> <stream> <text>` lines).
    func logFile(_ service: String) -> String {
        (try? String(contentsOfFile: supervisor.stateDirectory.logFile(service: service), encoding: .utf8)) ?? ""
    }

    func rewrite(_ compose: String) throws {
        try compose.write(toFile: directory.path + "/compose.yaml", atomically: true, encoding: .utf8)
    }

    func up() async -> UpError? {
        await within(.seconds(90)) { await self.upOnce() } ?? .stateDirectory("up did not finish in time")
    }

    private func upOnce() async -> UpError? {
        do {
            try await supervisor.up()
            return nil
        } catch {
            return error
        }
    }

    /// Deploys as `slipway deploy` would; the steps it reported come back with the report.
    func deploy(
        _ services: [String] = [], force: Bool = false, source: DeploymentSource = .deploy, removeOrphans: Bool = false,
        preview: Bool = false, redeploysRunning: Bool = false, forcedHealthFailure: String? = nil,
        onStep: @escaping @Sendable (DeployProgress) -> Void = { _ in }
    ) async throws -> (DeployReport, [DeployProgress]) {
        let steps = Mutex<[DeployProgress]>([])
        let request = DeployRequest(
            services: services, force: force, source: source, removeOrphans: removeOrphans, preview: preview,
            redeploysRunning: redeploysRunning, forcedHealthFailure: forcedHealthFailure,
            project: ProjectSource(options: Self.options(directory.path)))
        let supervisor = self.supervisor
        guard let report = await within(.seconds(120), {
            try await supervisor.deploy(request) { step in
                steps.withLock { $0.append(step) }
                onStep(step)
            }
        }) else { throw DeployDidNotFinish() }
        return (report, steps.withLock { $0 })
    }

    /// Rolls back as `slipway rollback` would; a refusal is thrown as the client would see it.
    func rollback(_ service: String, to id: Int64? = nil) async throws -> (DeployReport, [DeployProgress]) {
        let steps = Mutex<[DeployProgress]>([])
        let supervisor = self.supervisor
        let outcome = await within(.seconds(120)) { () async -> Result<DeployReport, any Error> in
            do {
                return .success(try await supervisor.rollback(RollbackRequest(service: service, to: id)) { step in
                    steps.withLock { $0.append(step) }
                })
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else { throw DeployDidNotFinish() }
        return (try outcome.get(), steps.withLock { $0 })
    }

    func instances(_ service: String) async -> [InstanceStatus] {
        (try? await supervisor.status(services: [service]).instances) ?? []
    }

    /// The host port the proxy publishes the service's first port on.
    func publishedPort(_ service: String) async -> Int? {
        await instances(service).flatMap(\.publishers).first.map(\.publishedPort)
    }

    /// The body of a GET through the proxy, nil when the request failed.
    func get(_ port: Int) async -> String? {
        guard let response = await LoopbackHTTP.get(port: port), response.contains(" 200 ") else { return nil }
        return response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }

    var logPath: String { supervisor.stateDirectory.path + "/" + DeploymentLog.fileName }

    /// The service's deployments as the log has them, newest first.
    func deployments(_ service: String) -> [Deployment] {
        (try? DeploymentLog.openExisting(path: logPath).deployments(service: service)) ?? []
    }

    /// Every deployment of the service with its timeline, for a failing expectation's message.
    func story(_ service: String) -> String {
        deployments(service).map { deployment in
            "\(deployment.id) \(deployment.source.rawValue) \(deployment.status.rawValue) \(deployment.reason ?? "")\n"
                + events(deployment.id).map { "  \($0.kind.rawValue): \($0.detail)" }.joined(separator: "\n")
        }.joined(separator: "\n") + "\n" + logFile(service)
    }

    func events(_ id: Int64) -> [DeploymentEvent] {
        (try? DeploymentLog.openExisting(path: logPath).events(of: id)) ?? []
    }

    func finish() async {
        let supervisor = self.supervisor
        _ = await within(.seconds(60)) { await supervisor.stop() }
        await collector.value
        directory.remove()
    }
}

struct DeployDidNotFinish: Error {}
