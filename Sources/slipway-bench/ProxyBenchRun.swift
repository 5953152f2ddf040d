import ArgumentParser
import Foundation
import NIOPosix

/// Runs the proxy benchmark: every target under the same wrk load, in alternating rounds, then
/// Slipway's memory with many idle keep-alive connections.
struct ProxyBenchRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the proxy benchmark (the default)."
    )

    @Option(help: "Seconds of each wrk run.")
    var duration = 10

    @Option(help: "Rounds; each round runs every target once, alternating the order between rounds.")
    var rounds = 5

    @Option(help: "wrk connections.")
    var connections = 64

    @Option(help: "Idle keep-alive connections for the memory figure (0 skips it).")
    var idleConnections = 10_000

    func run() async throws {
        for tool in ["nginx", "haproxy", "wrk"] where ToolPath.find(tool) == nil {
            throw ProxyBenchError.missingTool(tool)
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("slipway-proxy-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var started: [ProxyBenchProcess] = []
        do {
            let report = try await measure(in: directory) { started.append($0) }
            for process in started.reversed() { process.stop() }
            try? FileManager.default.removeItem(atPath: directory)
            print(report)
        } catch {
            for process in started.reversed() { process.stop() }
            print("run directory kept for its logs: \(directory)")
            throw error
        }
    }

    private func measure(in directory: String, track: (ProxyBenchProcess) -> Void) async throws -> String {
        let peers = ProxyBenchPeers(directory: directory)
        let processes = try startTargets(peers, track: track)
        let wrk = ProxyWrk(connections: connections, duration: duration)
        let warmUp = ProxyWrk(connections: connections, duration: 1)
        for target in ProxyBenchTarget.allCases { _ = try warmUp.run(port: processes[target]!.port) }
        let results = try runRounds(wrk, processes: processes)

        var memory: ProxyBenchReport.Memory?
        if idleConnections > 0 {
            let process = try peers.start(.slipwayHTTP, backendPort: processes[.backend]!.port)
            track(process)
            memory = try await measureMemory(of: process)
            process.stop()
        }
        return ProxyBenchReport(
            command: "swift run -c release slipway-bench proxy --duration \(duration) --rounds \(rounds)",
            wrkCommand: wrk.commandLine(url: "http://127.0.0.1:PORT/"),
            results: results,
            memory: memory,
            idleConnections: idleConnections
        ).text
    }

    /// The backend first, then every proxy in front of it.
    private func startTargets(
        _ peers: ProxyBenchPeers,
        track: (ProxyBenchProcess) -> Void
    ) throws -> [ProxyBenchTarget: ProxyBenchProcess] {
        let backend = try peers.startBackend()
        track(backend)
        var processes: [ProxyBenchTarget: ProxyBenchProcess] = [.backend: backend]
        for target in ProxyBenchTarget.allCases where target != .backend {
            let process = try peers.start(target, backendPort: backend.port)
            track(process)
            processes[target] = process
        }
        return processes
    }

    private func runRounds(
        _ wrk: ProxyWrk,
        processes: [ProxyBenchTarget: ProxyBenchProcess]
    ) throws -> [ProxyBenchTarget: [ProxyBenchMeasurement]] {
        var results: [ProxyBenchTarget: [ProxyBenchMeasurement]] = [:]
        for round in 1...max(1, rounds) {
            let order = round.isMultiple(of: 2) ? ProxyBenchTarget.allCases.reversed() : ProxyBenchTarget.allCases
            for target in order {
                let measurement = try ProxyBenchMeasurement.run(wrk, against: processes[target]!)
                results[target, default: []].append(measurement)
                logRound(round, target, measurement)
            }
        }
        return results
    }

    private func logRound(_ round: Int, _ target: ProxyBenchTarget, _ measurement: ProxyBenchMeasurement) {
        let figures = String(
            format: "%10.0f req/s  p99 %8.0f us  cpu %6.1f us/req (user %.1f, sys %.1f)",
            measurement.wrk.requestsPerSecond, measurement.wrk.p99Microseconds,
            measurement.totalMicrosecondsPerRequest, measurement.userMicrosecondsPerRequest,
            measurement.systemMicrosecondsPerRequest
        )
        log("round \(round)  \(target.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(figures) "
            + measurement.wrk.problems.joined(separator: "; "))
    }

    private func measureMemory(of proxy: ProxyBenchProcess) async throws -> ProxyBenchReport.Memory {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let warm = try await ProxyIdleConnections(count: 1).open(port: proxy.port, group: group)
        let idle = proxy.residentBytes() ?? 0
        let channels = try await ProxyIdleConnections(count: idleConnections).open(port: proxy.port, group: group)
        let loaded = proxy.residentBytes() ?? 0
        for channel in warm + channels { channel.close(promise: nil) }
        try await group.shutdownGracefully()
        return ProxyBenchReport.Memory(idleBytes: idle, loadedBytes: loaded)
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
