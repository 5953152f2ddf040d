import ComposeKit
import Foundation
import SlipwayRuntime
import Synchronization

/// What one side of the deploy benchmark measured.
struct DeployBenchResult {
    var name: String
    var load: String
    var requests: Int
    var failed: Int
    var problems: [String]
    /// Green ready → a fresh request answered by green, one per swap.
    var switches: [Duration]
    /// Slipway only: the proxy switch itself, as the runtime timed it.
    var proxySwitches: [Duration] = []
}

/// Slipway's side: a real supervisor (in this process, as the tests run it)
/// deploying the two versions in turn through `Supervisor.deploy`.
struct SlipwayDeployBench {
    let directory: String
    let server: String
    let slipway: String
    let deploys: Int
    let connections: Int

    private func compose(_ version: String) -> String {
        """
        name: deploybench
        services:
          web:
            command: exec '\(server)' http-version --port $$PORT --body $$VERSION
            environment: {VERSION: \(version)}
            ports: ["8000"]
            x-slipway: {proxy: http, deploy: {drain: 10s, keep_previous: 0s, monitor: 0s}}
        """
    }

    func run() async throws -> DeployBenchResult {
        let file = directory + "/compose.yaml"
        try compose("v0").write(toFile: file, atomically: true, encoding: .utf8)
        return try await BenchSupervisor.run(file: file, directory: directory, slipway: slipway) { supervisor, options in
            try await swaps(supervisor, file: file, options: options)
        }
    }

    private func swaps(_ supervisor: Supervisor, file: String, options: LoadOptions) async throws -> DeployBenchResult {
        guard let port = try await supervisor.status(services: ["web"]).instances.first?.publishers.first?.publishedPort,
              DeployBenchProbe.firstAnswer("v0", port: port) != nil
        else { throw DeployBenchError.notServing("Slipway") }
        let load = try DeployBenchLoad(port: port, connections: connections)
        var switches: [Duration] = []
        let proxySwitches = Mutex<[Duration]>([])
        for index in 1...deploys {
            let version = "v\(index % 2 == 1 ? 1 : 2)"
            try compose(version).write(toFile: file, atomically: true, encoding: .utf8)
            let moved = SwitchWatch(port: port, body: version)
            let report = try await supervisor.deploy(DeployRequest(services: ["web"], project: ProjectSource(options: options))) { step in
                if step.step == .healthy { moved.start() }
                if step.step == .switched, let micros = step.measuredMicroseconds {
                    proxySwitches.withLock { $0.append(.microseconds(micros)) }
                }
            }
            guard report.entries.first?.outcome == .deployed else {
                _ = try? load.stop()
                throw DeployBenchError.deployFailed(report.entries.first?.reason ?? "no report")
            }
            guard let took = moved.wait() else { throw DeployBenchError.neverMoved("Slipway", version) }
            switches.append(took)
        }
        let totals = try load.stop()
        return DeployBenchResult(
            name: "Slipway (deploy)", load: load.commandLine, requests: totals.requests, failed: totals.failed,
            problems: totals.summary, switches: switches, proxySwitches: proxySwitches.withLock { $0 })
    }
}

/// A thread that, once started at green's ready instant, asks on fresh
/// connections until green answers, and keeps how long that took.
final class SwitchWatch: Sendable {
    private let port: Int
    private let body: String
    private let instants = Mutex<(began: UInt64, moved: UInt64?)>((0, nil))
    private let done = DispatchSemaphore(value: 0)

    init(port: Int, body: String) {
        self.port = port
        self.body = body
    }

    func start() {
        let began = MonotonicClock.nanoseconds()
        instants.withLock { $0.began = began }
        Thread { [self] in
            let moved = DeployBenchProbe.firstAnswer(body, port: port)
            instants.withLock { $0.moved = moved }
            done.signal()
        }.start()
    }

    func wait() -> Duration? {
        done.wait()
        let (began, moved) = instants.withLock { $0 }
        return moved.map { .nanoseconds(Int64($0 - began)) }
    }
}

enum DeployBenchError: Error, CustomStringConvertible {
    case notServing(String)
    case deployFailed(String)
    case neverMoved(String, String)

    var description: String {
        switch self {
        case let .notServing(side): "\(side) did not serve the first version"
        case let .deployFailed(reason): "a deploy failed: \(reason)"
        case let .neverMoved(side, version): "\(side): \(version) never answered after the swap"
        }
    }
}
