import ArgumentParser
import Foundation
import SlipwayRuntime
import SlipwayShim

/// `slipway kill`: sends a signal to services' process groups.
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Send a signal to services (SIGKILL unless -s names another)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "Signal to send: a name (SIGTERM, TERM) or a number.")
    var signal = "SIGKILL"

    @Argument(help: "Services to signal (default: all).")
    var services: [String] = []

    func validate() throws {
        guard SignalName.number(signal) != nil else { throw ValidationError("unknown signal \"\(signal)\"") }
    }

    func run() async throws {
        let number = SignalName.number(signal) ?? SIGKILL
        let report = try await global.controlClient().perform(.kill(services: services, signal: number))
        try ActionReportPrinter(environment: ProcessInfo.processInfo.environment).print(report)
    }
}
