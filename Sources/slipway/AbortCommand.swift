import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway abort SERVICE`: the deploy waiting in preview is discarded; the serving version stays.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Discard the new version waiting in preview.",
        discussion: "Exit codes: 0 the previewed instance was stopped, 1 no supervisor or no deploy waiting in preview, 2 usage error (docs/exit-codes.md)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The service whose previewed deploy is discarded.")
    var service: String

    func run() async throws {
        let printer = DeployProgressPrinter(environment: ProcessInfo.processInfo.environment)
        let report = try await global.controlClient().abort(service) { printer.print($0) }
        try PreviewDecision.check(report, service: service)
    }
}
