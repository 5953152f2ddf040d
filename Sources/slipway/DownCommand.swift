import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway down`: stops everything and removes the runtime state; the
/// deployment history stays.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the project and remove its runtime state.",
        discussion: "Returns once every process of the project has exited and every published port is closed. Without a running supervisor it still ends what a killed one left behind, says the project is not running, and exits 0, as docker compose does."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "Seconds to wait for a service to stop before killing it (default: its stop_grace_period).")
    var timeout: Int?

    /// After the answer, every service already stopped: what is left is the
    /// supervisor closing its listeners and exiting.
    static let shutdownTimeout = Duration.seconds(30)

    @Flag(name: .shortAndLong, help: "Remove the named volumes and data directories too.")
    var volumes = false

    func validate() throws {
        try StopTimeout.validate(timeout)
    }

    func run() async throws {
        let endpoint = try global.controlEndpoint()
        let printer = ActionReportPrinter(environment: ProcessInfo.processInfo.environment)
        do {
            let shutdown = ShutdownWait(endpoint: endpoint)
            let report = try await ControlClient(endpoint: endpoint).perform(.down(timeout: timeout.map { .seconds($0) }))
            try printer.print(report)
            guard await shutdown.wait(timeout: Self.shutdownTimeout) else {
                throw DownUnfinished(message: "the supervisor answered but did not end within \(Self.shutdownTimeout); see ps and its output in \(endpoint.stateDirectory.path)")
            }
            if volumes { endpoint.stateDirectory.removeVolumes() }
        } catch let error as ControlClientError {
            guard case .noSupervisor = error else { throw error }
            let ended = try LeftoverCleanup.run(endpoint)
            if ended > 0 { printer.terminal.write(line: "ended \(ended) process(es) left by a previous supervisor") }
            if volumes { endpoint.stateDirectory.removeVolumes() }
            printer.terminal.write(line: NotRunning.line(endpoint))
        }
    }
}

struct DownUnfinished: SlipwayFailure {
    var message: String
    var exitCode: ExitCode { .failure }
}
