import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway restart`: stops then starts services.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart services."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "Seconds to wait for a service to stop before killing it (default: its stop_grace_period).")
    var timeout: Int?

    func validate() throws {
        try StopTimeout.validate(timeout)
    }

    @Argument(help: "Services to restart (default: all).")
    var services: [String] = []

    func run() async throws {
        let report = try await global.controlClient().perform(.restart(services: services, timeout: timeout.map { .seconds($0) }))
        try ActionReportPrinter(environment: ProcessInfo.processInfo.environment).print(report)
    }
}
