import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway drill SCENARIO [SERVICE]`: rehearses a failure on the live
/// project under a steady request load and grades how Slipway handled it
/// (docs/drills.md).
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Rehearse a failure on the running project under load, and grade the recovery.",
        discussion: """
            Scenarios: bad-release (green's health forced to fail: never switched, no failed request), \
            crash-after-switch (SIGKILL right after the switch: automatic rollback), hang (SIGSTOP: \
            detected unhealthy, restarted or rolled back), manual-rollback (redeploy, then rollback). \
            Exit codes: 0 every expectation held, 1 no supervisor, no such service, or nothing to drill, \
            2 usage error, 3 an expectation failed (docs/exit-codes.md).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, junit
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("load"), help: "Requests per second sent through the service's published port during the drill.")
    var requestsPerSecond = 20

    @Option(help: "Report format: text, json, markdown (for $GITHUB_STEP_SUMMARY), or junit (one test case per expectation).")
    var format: Format = .text

    @Argument(help: "bad-release, crash-after-switch, hang or manual-rollback.")
    var scenario: DrillScenario

    @Argument(help: "The service (default: the first running one with a published port).")
    var service: String?

    func validate() throws {
        if global.files.contains("-") { throw ValidationError("drill cannot read the compose file from stdin; name a file with -f") }
        guard (1...1000).contains(requestsPerSecond) else { throw ValidationError("--load must be 1 to 1000 requests per second") }
    }

    func run() async throws {
        let endpoint = try global.controlEndpoint()
        let runner = DrillRunner(
            client: ControlClient(endpoint: endpoint),
            project: ProjectSource(options: global.loadOptions(requestedServices: service.map { [$0] } ?? [])),
            stateDirectory: endpoint.stateDirectory, requestsPerSecond: requestsPerSecond)
        let report = try await runner.run(scenario, service: service)
        switch format {
        case .text: DrillReportText.lines(report).forEach { print($0) }
        case .json: print(try report.json())
        case .markdown: print(DrillReportMarkdown.text(report))
        case .junit: print(DrillReportJUnit.xml(report))
        }
        guard report.passed else { throw DrillFailed(report: report) }
    }
}

extension DrillScenario: ExpressibleByArgument {}

/// A drill ran and an expectation did not hold.
struct DrillFailed: SlipwayFailure {
    var report: DrillReport
    var message: String {
        "drill \(report.scenario.rawValue) of \(report.service) failed: "
            + report.failedExpectations.map { "\($0.name) (\($0.detail))" }.joined(separator: "; ")
    }
    var exitCode: ExitCode { ExitCode(3) }
}

extension DrillError: SlipwayFailure {
    var message: String { description }
    var exitCode: ExitCode { ExitCode(1) }
}
