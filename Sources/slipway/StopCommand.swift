import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway stop`: stops services without removing them; `start` brings them back.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop services (in reverse dependency order)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "Seconds to wait for a service to stop before killing it (default: its stop_grace_period).")
    var timeout: Int?

    func validate() throws {
        try StopTimeout.validate(timeout)
    }

    @Argument(help: "Services to stop (default: all).")
    var services: [String] = []

    func run() async throws {
        let report = try await global.controlClient().perform(.stop(services: services, timeout: timeout.map { .seconds($0) }))
        try ActionReportPrinter(environment: ProcessInfo.processInfo.environment).print(report)
    }
}
