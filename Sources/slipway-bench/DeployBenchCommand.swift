import ArgumentParser
import Foundation

/// `slipway-bench deploy`: under wrk's keep-alive load through the proxy,
/// deploys alternating two versions; failed requests and the time from the
/// new instance ready to traffic moved, beside nginx swapping its upstream
/// with `nginx -s reload` under the same load, in the same run.
struct DeployBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Failed requests and switch time of blue-green deploys under load, beside nginx -s reload."
    )

    @Option(help: "Deploys per side, alternating two versions.")
    var deploys = 20

    @OptionGroup var swap: SwapBenchOptions

    func validate() throws {
        guard deploys > 0 else { throw ValidationError("--deploys must be positive") }
    }

    func run() async throws {
        try await swap.withWorkspace("deploy") { directory in
            let server = BringUpBenchCommand.ownExecutable()
            let slipwayResult = try await SlipwayDeployBench(
                directory: directory + "/slipway", server: server, slipway: swap.slipwayExecutable,
                deploys: deploys, connections: swap.connections
            ).run()
            let nginxResult = try NginxDeployBench(
                directory: directory + "/nginx", server: server, nginx: ToolPath.find("nginx")!, deploys: deploys,
                connections: swap.connections
            ).run()
            print(DeployBenchReport(deploys: deploys, results: [slipwayResult, nginxResult]).text)
        }
    }
}

struct DeployBenchReport {
    let deploys: Int
    let results: [DeployBenchResult]

    var text: String {
        var lines = [
            "deploy: \(deploys) deploys per side alternating two versions, under \(results.first?.load ?? "wrk")",
            "switch = new instance ready -> first fresh request answered by it",
            "",
            "side                 requests    failed   switch p50   switch p99",
        ]
        for result in results {
            lines.append(
                result.name.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%11d %9d %10.2f ms %10.2f ms", result.requests, result.failed,
                             Self.milliseconds(Self.percentile(result.switches, 50)),
                             Self.milliseconds(Self.percentile(result.switches, 99))))
            for problem in result.problems { lines.append("    wrk: \(problem)") }
        }
        if let proxy = results.first(where: { !$0.proxySwitches.isEmpty })?.proxySwitches {
            lines.append(String(
                format: "Slipway's proxy switch itself (setUpstream on every listener): p50 %.3f ms, p99 %.3f ms",
                Self.milliseconds(Self.percentile(proxy, 50)), Self.milliseconds(Self.percentile(proxy, 99))))
        }
        lines.append("goal: 0 failed requests; switch under 10 ms")
        return lines.joined(separator: "\n")
    }

    /// Nearest rank.
    static func percentile(_ values: [Duration], _ percent: Int) -> Duration {
        guard !values.isEmpty else { return .zero }
        let sorted = values.sorted()
        let rank = max(1, Int((Double(percent) / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
