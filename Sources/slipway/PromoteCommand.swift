import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway promote SERVICE`: the deploy waiting in preview (`deploy --preview`) takes the traffic.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Switch traffic to the new version waiting in preview.",
        discussion: """
            Exit codes: 0 the previewed version serves, 1 no supervisor or no deploy waiting in \
            preview, 2 usage error, 3 the previewed instance had ended; the previous version still \
            serves (docs/exit-codes.md).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The service whose previewed deploy goes live.")
    var service: String

    func run() async throws {
        let printer = DeployProgressPrinter(environment: ProcessInfo.processInfo.environment)
        let report = try await global.controlClient().promote(service) { printer.print($0) }
        try PreviewDecision.check(report, service: service)
        try printer.finish(report)
    }
}
