import ArgumentParser
import Foundation

/// `slipway-bench split-writes`: the latency of an instance that writes each response head and
/// body separately with Nagle's algorithm on (as Python's `http.server` does), reached directly,
/// through Slipway's HTTP proxy and through nginx, both of which keep upstream connections alive.
/// On a reused connection the body waits for the head's acknowledgement, which Linux delays
/// by up to 40 ms unless the proxy asks for it at once.
struct SplitWriteBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split-writes",
        abstract: "Latency through the proxies to an instance that writes head and body separately."
    )

    @Option(help: "One-shot GET requests per target.")
    var requests = 50

    @Option(help: "The Python interpreter that runs the instance.")
    var python = "python3"

    func run() throws {
        let python = try ToolPath.resolve(python, option: "--python")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("slipway-split-write-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var started: [ProxyBenchProcess] = []
        defer { for process in started.reversed() { process.stop() } }

        let instance = try SplitWriteInstance.start(python: python, logDirectory: directory)
        started.append(instance)
        let peers = ProxyBenchPeers(directory: directory)
        let targets: [(String, ProxyBenchProcess)] = try [
            ("direct", instance),
            ("slipway http", peers.start(.slipwayHTTP, backendPort: instance.port)),
            ("nginx http", peers.start(.nginx, backendPort: instance.port)),
        ]
        started += targets.dropFirst().map(\.1)
        var lines = [
            "instance writing head and body separately, Nagle on; \(requests) sequential one-shot GETs per target",
            "",
            "target            median        p90        max",
        ]
        for (name, process) in targets {
            let latencies = try (0..<requests).map { _ in try OneShotGet.milliseconds(port: process.port) }.sorted()
            lines.append(name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%9.2f ms %7.2f ms %7.2f ms", latencies[latencies.count / 2],
                         latencies[latencies.count * 9 / 10], latencies.last!))
        }
        print(lines.joined(separator: "\n"))
    }
}
