import ArgumentParser
import Foundation
import Glibc

/// `slipway-bench bringup`: the wall time of `slipway up -d --wait` on a
/// generated stack of waves of instantly-ready HTTP servers (each wave
/// `service_healthy` on the whole previous one), against the critical-path
/// limit measured in the same run, and the supervisor's RSS with them all running.
struct BringUpBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bringup",
        abstract: "up -d --wait of a generated stack against its critical path, and the supervisor's RSS."
    )

    @Option(help: "Dependency waves.")
    var waves = 10

    @Option(help: "Services per wave.")
    var width = 5

    @Option(help: "Runs of each measurement (the median is reported).")
    var runs = 5

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    mutating func run() async throws {
        let directory = NSTemporaryDirectory() + "slipway-bringup-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runner = BringUpRunner(
            slipway: slipway ?? SupervisorRSSBenchCommand.siblingSlipway(), server: Self.instantServer(), directory: directory)
        var singles: [BringUpRunner.Result] = []
        for _ in 0..<runs { singles.append(try runner.time(waves: 1, width: 1)) }
        var stack: [Duration] = []
        var rss: Int?
        for _ in 0..<runs {
            let result = try runner.time(waves: waves, width: width)
            stack.append(result.wall)
            rss = result.supervisorRSS ?? rss
        }
        guard singles.allSatisfy({ $0.startToHealthy != nil }) else {
            throw ValidationError("the single service's log has no Starting and Healthy notes")
        }
        let single = median(singles.map(\.wall))
        let unit = median(singles.compactMap(\.startToHealthy))
        print(BringUpReport(
            waves: waves, width: width, runs: runs, single: single, unit: unit, limit: single + unit * (waves - 1),
            wall: median(stack), rss: rss).text)
    }

    private func median(_ values: [Duration]) -> Duration {
        values.sorted()[values.count / 2]
    }

    /// `slipway-bench-http-ok`, built beside this binary: the instantly-ready service.
    static func instantServer() -> String {
        let own = ownExecutable()
        return String(own[..<(own.lastIndex(of: "/") ?? own.startIndex)]) + "/slipway-bench-http-ok"
    }

    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
