import ArgumentParser
import ComposeKit
import Foundation
import SlipwayRuntime

/// `slipway run SERVICE [COMMAND...]`: a one-off command in a service's
/// environment, in the foreground, as `docker compose run` runs one in a new
/// container of the service.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a one-off command in a service's environment, its dependencies started first.",
        discussion: """
            Without a running supervisor, the service's dependencies are started in the background \
            (as up -d --wait would) and stay running after the command, as docker compose leaves them; \
            with one, its services are used as they are. The command gets the service's environment, \
            working_dir, data directory, private ports (PORT, PORT_<T>), its dependencies' addresses, and \
            the project's service names as the service's own instances resolve them (docs/service-discovery.md). \
            Exit code: the command's own (128+N when signal N ended it); 1 for an invalid compose file \
            or a command that cannot be started, 2 for a usage error, 3 to 8 as up -d when a dependency \
            fails to come up (docs/exit-codes.md).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Do not start the service's dependencies.")
    var noDeps = false

    @Flag(help: "Accepted for docker compose compatibility: a one-off leaves nothing behind anyway.")
    var rm = false

    @Option(name: [.customShort("e"), .customLong("env")], help: "Set a variable in the command's environment (KEY=VALUE, repeatable).")
    var variables: [String] = []

    @Argument(help: "The service whose environment the command runs in.")
    var service: String

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (default: the service's command).")
    var command: [String] = []

    func validate() throws {
        for variable in variables where (variable.firstIndex(of: "=").map { $0 == variable.startIndex } ?? true) {
            throw ValidationError("-e expects KEY=VALUE, got \"\(variable)\"")
        }
    }

    func run() async throws {
        let loaded = try ProjectLoader(options: global.loadOptions(requestedServices: [service])).load()
        loaded.warnings.forEach { FailureReport.write($0.description) }
        guard let definition = loaded.project.services[service] else { throw ValidationError("no such service: \(service)") }
        let environment = ProcessInfo.processInfo.environment
        let state = StateDirectory.resolve(project: loaded.project.name, override: global.scope.stateDirectory, environment: environment)
        let client = ControlClient(endpoint: ControlEndpoint(project: loaded.project.name, stateDirectory: state))
        let dependencies = definition.dependsOn.keys.sorted()
        if !noDeps, !dependencies.isEmpty, await !client.supervisorIsRunning() {
            try await DetachedUp(project: loaded.project, global: global, serviceNames: dependencies, wait: true, timeout: nil, removeOrphans: false).run()
        }
        let supervised = await client.supervisorIsRunning()
        let addresses = supervised ? try await client.addresses() : [:]
        var oneOff: OneOffCommand
        do {
            try state.prepare()
            oneOff = try OneOffCommand(
                service: definition, command: command, dependencies: addresses, overrides: overrides(), state: state,
                inherited: environment)
        } catch {
            throw UpFailure(message: "\(error)", exitCode: .failure)
        }
        oneOff.notes.forEach { FailureReport.write("warning: \($0)") }
        let hosts = supervised ? OneOffCommand.hostsFile(of: service, in: state) : nil
        if oneOff.needsShim(hostsFile: hosts) { oneOff = oneOff.launched(through: try UpCommand.shimExecutable(), hostsFile: hosts) }
        let code = try await Self.runInForeground(oneOff)
        if code != 0 { throw PassedExitCode(code: code) }
    }

    private func overrides() -> [String: String] {
        Dictionary(variables.map { variable in
            let equals = variable.firstIndex(of: "=") ?? variable.endIndex
            return (String(variable[..<equals]), String(variable[variable.index(after: equals)...]))
        }, uniquingKeysWith: { _, last in last })
    }

    /// Runs the command on this terminal (stdin, stdout and stderr are
    /// slipway's own) and returns its exit code.
    private static func runInForeground(_ oneOff: OneOffCommand) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: oneOff.executable)
        process.arguments = Array(oneOff.arguments.dropFirst())
        process.environment = oneOff.environment
        if let directory = oneOff.workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { ended in
                let status = ended.terminationStatus
                continuation.resume(returning: ended.terminationReason == .uncaughtSignal ? 128 + status : status)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: UpFailure(message: "\(oneOff.arguments[0]): \(error.localizedDescription)", exitCode: .failure))
            }
        }
    }
}
