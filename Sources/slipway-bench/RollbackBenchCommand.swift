import ArgumentParser
import Foundation

/// `slipway-bench rollback`: under wrk's keep-alive load, a new version goes
/// live and is killed (SIGKILL) inside its monitor window, `--runs` times;
/// the time from the kill to the old version answering a fresh request, and
/// the requests that failed. Beside it, nginx in front of the same two
/// versions with the old one as a `backup` upstream (nginx's own failover).
struct RollbackBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Crash-to-restore time and failed requests of automatic rollbacks under load, beside nginx's backup upstream."
    )

    @Option(help: "Crashes per side.")
    var runs = 10

    @OptionGroup var swap: SwapBenchOptions

    func validate() throws {
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
    }

    func run() async throws {
        try await swap.withWorkspace("rollback") { directory in
            let server = BringUpBenchCommand.ownExecutable()
            let slipwayResult = try await SlipwayRollbackBench(
                directory: directory + "/slipway", server: server, slipway: swap.slipwayExecutable, runs: runs,
                connections: swap.connections
            ).run()
            let nginxResult = try NginxRollbackBench(
                directory: directory + "/nginx", server: server, nginx: ToolPath.find("nginx")!, runs: runs,
                connections: swap.connections
            ).run()
            print(RollbackBenchReport(runs: runs, results: [slipwayResult, nginxResult]).text)
        }
    }
}

struct RollbackBenchReport {
    let runs: Int
    let results: [DeployBenchResult]

    var text: String {
        var lines = [
            "rollback: \(runs) crashes per side (SIGKILL of the new version while it serves), under \(results.first?.load ?? "wrk")",
            "restore = kill -> first fresh request answered by the old version (detect + restore)",
            "",
            "side                        requests    failed  restore p50  restore p99",
        ]
        for result in results {
            lines.append(
                result.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%11d %9d %9.2f ms %9.2f ms", result.requests, result.failed,
                             DeployBenchReport.milliseconds(DeployBenchReport.percentile(result.switches, 50)),
                             DeployBenchReport.milliseconds(DeployBenchReport.percentile(result.switches, 99))))
            for problem in result.problems { lines.append("    wrk: \(problem)") }
        }
        lines.append("goal: 0 failed requests")
        return lines.joined(separator: "\n")
    }
}
