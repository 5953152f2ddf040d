import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway down`: stops everything and removes the runtime state; the
/// deployment history stays.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the project and remove its runtime state.",
        discussion: "Without a running supervisor it still ends what a killed one left behind, says the project is not running, and exits 0, as docker compose does."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "Seconds to wait for a service to stop before killing it (default: its stop_grace_period).")
    var timeout: Int?

    func run() async throws {
        let endpoint = try global.controlEndpoint()
        let printer = ActionReportPrinter(environment: ProcessInfo.processInfo.environment)
        do {
            let report = try await ControlClient(endpoint: endpoint).perform(.down(timeout: timeout.map { .seconds($0) }))
            try printer.print(report)
        } catch let error as ControlClientError {
            guard case .noSupervisor = error else { throw error }
            let ended = try LeftoverCleanup.run(endpoint)
            if ended > 0 { printer.terminal.write(line: "ended \(ended) process(es) left by a previous supervisor") }
            printer.terminal.write(line: NotRunning.line(endpoint))
        }
    }
}
