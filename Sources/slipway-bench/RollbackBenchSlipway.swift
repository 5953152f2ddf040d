import ComposeKit
import Foundation
import Glibc
import SlipwayRuntime

/// Slipway's side: a real supervisor deploys v2 over v1 (v1 kept warm), then
/// v2 is killed inside its monitor window; the automatic rollback restores v1.
struct SlipwayRollbackBench {
    let directory: String
    let server: String
    let slipway: String
    let runs: Int
    let connections: Int

    private func compose(_ version: String) -> String {
        """
        name: rollbackbench
        services:
          web:
            command: exec '\(server)' http-version --port $$PORT --body $$VERSION
            environment: {VERSION: \(version)}
            ports: ["8000"]
            deploy: {rollback_config: {monitor: 0s}}
            x-slipway: {proxy: http, deploy: {drain: 10s, keep_previous: 10m, monitor: 10m}}
        """
    }

    func run() async throws -> DeployBenchResult {
        let file = directory + "/compose.yaml"
        try compose("v1").write(toFile: file, atomically: true, encoding: .utf8)
        return try await BenchSupervisor.run(file: file, directory: directory, slipway: slipway) { supervisor, options in
            try await crashes(supervisor, file: file, options: options)
        }
    }

    private func crashes(_ supervisor: Supervisor, file: String, options: LoadOptions) async throws -> DeployBenchResult {
        guard let port = try await supervisor.status(services: ["web"]).instances.first?.publishers.first?.publishedPort,
              DeployBenchProbe.firstAnswer("v1", port: port) != nil
        else { throw DeployBenchError.notServing("Slipway") }
        try compose("v2").write(toFile: file, atomically: true, encoding: .utf8)
        let load = try DeployBenchLoad(port: port, connections: connections)
        var restores: [Duration] = []
        for _ in 1...runs {
            let report = try await supervisor.deploy(DeployRequest(services: ["web"], project: ProjectSource(options: options))) { _ in }
            guard report.entries.first?.outcome == .deployed else {
                _ = try? load.stop()
                throw DeployBenchError.deployFailed(report.entries.first?.reason ?? "no report")
            }
            guard let green = try await supervisor.status(services: ["web"]).instances.first(where: { !$0.publishers.isEmpty })?.pid
            else { throw DeployBenchError.notServing("Slipway (v2)") }
            let restored = SwitchWatch(port: port, body: "v1")
            restored.start()
            kill(green, SIGKILL)
            guard let took = restored.wait() else { throw DeployBenchError.neverMoved("Slipway", "v1") }
            restores.append(took)
            try await waitUntilRestored(supervisor)
        }
        let totals = try load.stop()
        return DeployBenchResult(
            name: "Slipway (auto-rollback)", load: load.commandLine, requests: totals.requests, failed: totals.failed,
            problems: totals.summary, switches: restores)
    }

    /// The next deploy may begin once the restore is recorded live and only v1 runs.
    private func waitUntilRestored(_ supervisor: Supervisor) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let instances = try await supervisor.status(services: ["web"]).instances
            if instances.count == 1 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DeployBenchError.neverMoved("Slipway", "v1 alone")
    }
}
