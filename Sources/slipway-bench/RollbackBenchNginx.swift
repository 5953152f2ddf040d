import Foundation
import Glibc

/// nginx's side: the new version as the upstream, the old one as its
/// `backup`; the new one is killed under the same load and nginx fails over.
struct NginxRollbackBench {
    let directory: String
    let server: String
    let nginx: String
    let runs: Int
    let connections: Int

    func run() throws -> DeployBenchResult {
        let blue = try backend("v1")
        defer { blue.stop() }
        let port = ProxyLoopbackPort.free()
        let config = directory + "/nginx.conf"
        var restores: [Duration] = []
        var requests = 0, failed = 0
        var problems: [String] = []
        var loadLine = ""
        for _ in 1...runs {
            let green = try backend("v2")
            defer { green.stop() }
            try ProxyPeerConfigs.nginxWithBackup(port: port, primaryPort: green.port, backupPort: blue.port, directory: directory)
                .write(toFile: config, atomically: true, encoding: .utf8)
            let proxy = try ProxyBenchProcess(
                name: "nginx", port: port, executable: nginx,
                arguments: ["-p", directory, "-c", config, "-e", directory + "/nginx-startup.log"], logDirectory: directory)
            defer { proxy.stop() }
            guard DeployBenchProbe.firstAnswer("v2", port: port) != nil else { throw DeployBenchError.notServing("nginx") }
            let load = try DeployBenchLoad(port: port, connections: connections)
            loadLine = load.commandLine
            usleep(200_000)
            let restored = SwitchWatch(port: port, body: "v1")
            restored.start()
            green.kill()
            guard let took = restored.wait() else { throw DeployBenchError.neverMoved("nginx", "v1") }
            restores.append(took)
            usleep(200_000)
            let totals = try load.stop()
            requests += totals.requests
            failed += totals.failed
            problems += totals.summary
        }
        return DeployBenchResult(
            name: "nginx (backup upstream)", load: loadLine, requests: requests, failed: failed, problems: problems,
            switches: restores)
    }

    private func backend(_ version: String) throws -> ProxyBenchProcess {
        let port = ProxyLoopbackPort.free()
        return try ProxyBenchProcess(
            name: "backend \(version)", port: port, executable: server,
            arguments: ["http-version", "--port", "\(port)", "--body", version], logDirectory: directory)
    }
}
