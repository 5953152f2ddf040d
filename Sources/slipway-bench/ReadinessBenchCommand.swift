import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway-bench readiness`: how soon after a service starts listening
/// Slipway sees it healthy, for an HTTP health_path probe and a CMD probe,
/// beside docker compose's one-probe-per-interval figure.
struct ReadinessBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readiness",
        abstract: "Readiness latency: from a service listening to Slipway reporting it healthy."
    )

    @Option(help: "Measurements per probe form.")
    var runs = 50

    @Option(help: "The health check's interval in seconds (docker's default is 30).")
    var interval = 30

    @Option(help: "Servers start listening between 0 and this many milliseconds after launch.")
    var maxStartDelay = 1200

    @Option(help: "The Python interpreter that runs the measured server.")
    var python = "python3"

    @Flag(help: "Probe on the schedule alone, without listen detection (the figure before it).")
    var scheduleOnly = false

    mutating func run() async throws {
        let workDirectory = try makeWorkDirectory()
        defer { try? FileManager.default.removeItem(atPath: workDirectory) }
        let limiter = ProbeLimiter()
        let ports = PortAllocator()
        let listens = scheduleOnly ? nil : ListenWatch()
        let pythonPath = try ToolPath.resolve(python, option: "--python")
        var samples: [ReadinessProbeKind: [ReadinessSample]] = [:]
        for index in 0..<runs {
            for kind in ReadinessProbeKind.allCases {
                let run = ReadinessRun(python: pythonPath, workDirectory: workDirectory, kind: kind,
                                       interval: .seconds(interval), startDelay: startDelay(index),
                                       limiter: limiter, ports: ports, listens: listens)
                samples[kind, default: []].append(try await run.measure(index: index))
            }
        }
        let report = ReadinessReport(samples: samples, interval: .seconds(interval), runs: runs,
                                     startDelays: 0...maxStartDelay, listenDetection: !scheduleOnly)
        print(report.render())
    }

    /// Spreads the start delays evenly over the range, in an order that
    /// mixes fast and slow starters.
    private func startDelay(_ index: Int) -> Duration {
        let steps = max(runs, 1)
        let position = (index * 37) % steps
        return .milliseconds(maxStartDelay * position / max(steps - 1, 1))
    }

    private func makeWorkDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "slipway-readiness-\(getpid())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
