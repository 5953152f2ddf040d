import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway drill SCENARIO|FILE.yaml [SERVICE]`: rehearses a failure on the
/// live project under a steady request load and grades how Slipway handled
/// it (docs/drills.md): a built-in scenario, or the steps of a drill file.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Rehearse a failure on the running project under load, and grade the recovery.",
        discussion: """
            Scenarios: bad-release (green's health forced to fail: never switched, no failed request), \
            crash-after-switch (SIGKILL right after the switch: automatic rollback), hang (SIGSTOP: \
            detected unhealthy, restarted or rolled back), manual-rollback (redeploy, then rollback). \
            A drill file (FILE.yaml or FILE.yml) runs its own steps: deploy, kill, pause, unpause, fault, wait, \
            rollback, expect (docs/drills.md). \
            Exit codes: 0 every expectation held, 1 no supervisor, no such service, nothing to drill, or a \
            malformed drill file, 2 usage error, 3 an expectation failed (docs/exit-codes.md).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, junit
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("load"), help: "Requests per second sent through the service's published port during the drill.")
    var requestsPerSecond = 20

    @Option(name: .customLong("request-timeout"), help: "Seconds a request of the load may wait for its answer before it counts as failed.")
    var requestTimeout = 2.0

    @Option(help: "Report format: text, json, markdown (for $GITHUB_STEP_SUMMARY), or junit (one test case per expectation).")
    var format: Format = .text

    @Argument(help: "bad-release, crash-after-switch, hang, manual-rollback, or a drill file ending in .yaml or .yml.")
    var scenario: String

    @Argument(help: "The service (default: the first running one with a published port).")
    var service: String?

    func validate() throws {
        if global.files.contains("-") { throw ValidationError("drill cannot read the compose file from stdin; name a file with -f") }
        guard (1...1000).contains(requestsPerSecond) else { throw ValidationError("--load must be 1 to 1000 requests per second") }
        guard (0.01...600).contains(requestTimeout) else { throw ValidationError("--request-timeout must be 0.01 to 600 seconds") }
        guard DrillScenario(rawValue: scenario) != nil || Self.isDrillFile(scenario) else {
            throw ValidationError(
                "unknown scenario \"\(scenario)\": one of \(DrillScenario.allCases.map(\.rawValue).joined(separator: ", ")), or a drill file ending in .yaml or .yml")
        }
    }

    private static func isDrillFile(_ argument: String) -> Bool {
        argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
    }

    func run() async throws {
        let endpoint = try global.controlEndpoint()
        let runner = DrillRunner(
            client: ControlClient(endpoint: endpoint),
            project: ProjectSource(options: global.loadOptions(requestedServices: service.map { [$0] } ?? [])),
            stateDirectory: endpoint.stateDirectory, requestsPerSecond: requestsPerSecond,
            requestTimeout: .milliseconds(Int(requestTimeout * 1000)))
        let report: DrillReport
        if let builtIn = DrillScenario(rawValue: scenario) {
            report = try await runner.run(builtIn, service: service)
        } else {
            report = try await runner.run(try DrillFile.load(path: scenario), service: service)
        }
        switch format {
        case .text: DrillReportText.lines(report).forEach { print($0) }
        case .json: print(try report.json())
        case .markdown: print(DrillReportMarkdown.text(report))
        case .junit: print(DrillReportJUnit.xml(report))
        }
        guard report.passed else { throw DrillFailed(report: report) }
    }
}

/// A drill ran and an expectation did not hold.
struct DrillFailed: SlipwayFailure {
    var report: DrillReport
    var message: String {
        "drill \(report.scenario) of \(report.service) failed: "
            + report.failedExpectations.map { "\($0.name) (\($0.detail))" }.joined(separator: "; ")
    }
    var exitCode: ExitCode { ExitCode(3) }
}

extension DrillFileError: SlipwayFailure {
    var message: String { description }
    var exitCode: ExitCode { ExitCode(1) }
}

extension DrillError: SlipwayFailure {
    var message: String { description }
    var exitCode: ExitCode { ExitCode(1) }
}
