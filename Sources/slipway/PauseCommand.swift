import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway pause`: freezes services' process groups with SIGSTOP, as
/// `docker compose pause` freezes containers.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Freeze services (SIGSTOP to each instance's process group); ps shows them paused.",
        discussion: "stop, kill and down still work on a paused service: SIGCONT follows their signal."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Services to pause (default: all).")
    var services: [String] = []

    func run() async throws {
        let report = try await global.controlClient().perform(.pause(services: services))
        try ActionReportPrinter(environment: ProcessInfo.processInfo.environment).print(report)
    }
}

/// `slipway unpause`: lets paused services run again (SIGCONT).
struct UnpauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpause",
        abstract: "Resume paused services (SIGCONT to each instance's process group)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Services to resume (default: every paused one).")
    var services: [String] = []

    func run() async throws {
        let report = try await global.controlClient().perform(.unpause(services: services))
        try ActionReportPrinter(environment: ProcessInfo.processInfo.environment).print(report)
    }
}
