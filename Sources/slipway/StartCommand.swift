import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway start`: starts services that were stopped.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start stopped services."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Services to start (default: all).")
    var services: [String] = []

    func run() async throws {
        let report = try await global.controlClient().perform(.start(services: services))
        try ActionReportPrinter(environment: ProcessInfo.processInfo.environment).print(report)
    }
}
