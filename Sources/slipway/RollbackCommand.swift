import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway rollback SERVICE [--to ID]`: the running supervisor returns the
/// service to an earlier deployment through the deploy path (docs/deploy.md).
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Return a service to an earlier deployment without downtime.",
        discussion: """
            Without --to, the service returns to the last deployment before the serving one \
            that went live. Exit codes: 0 the earlier version serves, 1 no supervisor, no such \
            deployment, or one that never went live, 2 usage error, 3 the rollback failed and \
            the current version still serves (docs/exit-codes.md).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("to"), help: "The deployment ID to return to (see `slipway deployments SERVICE`).")
    var deployment: Int64?

    @Argument(help: "The service to roll back.")
    var service: String

    func run() async throws {
        let printer = DeployProgressPrinter(environment: ProcessInfo.processInfo.environment)
        let report = try await global.controlClient().rollback(RollbackRequest(service: service, to: deployment)) {
            printer.print($0)
        }
        try printer.finish(report)
    }
}
