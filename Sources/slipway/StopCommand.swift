import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway stop`: stops services without removing them; `start` brings them back.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop services (in reverse dependency order).",
        discussion: "A project that is not running has nothing to stop: it says so and exits 0, as docker compose does."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "Seconds to wait for a service to stop before killing it (default: its stop_grace_period).")
    var timeout: Int?

    @Argument(help: "Services to stop (default: all).")
    var services: [String] = []

    func run() async throws {
        let endpoint = try global.controlEndpoint()
        let printer = ActionReportPrinter(environment: ProcessInfo.processInfo.environment)
        do {
            let report = try await ControlClient(endpoint: endpoint).perform(.stop(services: services, timeout: timeout.map { .seconds($0) }))
            try printer.print(report)
        } catch ControlClientError.noSupervisor {
            printer.terminal.write(line: NotRunning.line(endpoint))
        }
    }
}
