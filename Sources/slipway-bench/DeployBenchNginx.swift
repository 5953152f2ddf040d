import Foundation

/// nginx's side: the same load while its upstream is swapped the way nginx
/// users deploy, by rewriting the upstream and `nginx -s reload`.
struct NginxDeployBench {
    let directory: String
    let server: String
    let nginx: String
    let deploys: Int
    let connections: Int

    func run() throws -> DeployBenchResult {
        var backend = try startBackend("v0")
        defer { backend.stop() }
        let port = ProxyLoopbackPort.free()
        let config = directory + "/nginx.conf"
        try ProxyPeerConfigs.nginxProxy(port: port, backendPort: backend.port, directory: directory)
            .write(toFile: config, atomically: true, encoding: .utf8)
        let proxy = try ProxyBenchProcess(
            name: "nginx", port: port, executable: nginx,
            arguments: ["-p", directory, "-c", config, "-e", directory + "/nginx-startup.log"], logDirectory: directory)
        defer { proxy.stop() }
        guard DeployBenchProbe.firstAnswer("v0", port: port) != nil else { throw DeployBenchError.notServing("nginx") }
        let load = try DeployBenchLoad(port: port, connections: connections)
        var switches: [Duration] = []
        for index in 1...deploys {
            let version = "v\(index % 2 == 1 ? 1 : 2)"
            let green = try startBackend(version)
            let ready = MonotonicClock.nanoseconds()
            let oldWorkers = Self.children(of: proxy.pid)
            try ProxyPeerConfigs.nginxProxy(port: port, backendPort: green.port, directory: directory)
                .write(toFile: config, atomically: true, encoding: .utf8)
            try reload(config)
            guard let moved = DeployBenchProbe.firstAnswer(version, port: port) else {
                _ = try? load.stop()
                throw DeployBenchError.neverMoved("nginx", version)
            }
            switches.append(.nanoseconds(Int64(moved - ready)))
            Self.waitUntilGone(oldWorkers)
            backend.stop()
            backend = green
        }
        let totals = try load.stop()
        return DeployBenchResult(
            name: "nginx (-s reload)", load: load.commandLine, requests: totals.requests, failed: totals.failed,
            problems: totals.summary, switches: switches)
    }

    private func startBackend(_ version: String) throws -> ProxyBenchProcess {
        let port = ProxyLoopbackPort.free()
        return try ProxyBenchProcess(
            name: "backend \(version)", port: port, executable: server,
            arguments: ["http-version", "--port", "\(port)", "--body", version], logDirectory: directory)
    }

    private func reload(_ config: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", directory, "-c", config, "-e", directory + "/nginx-reload.log", "-s", "reload"]
        try process.run()
        process.waitUntilExit()
    }

    /// nginx's workers (the master's children), which a reload replaces once their connections end.
    private static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    /// The old workers drain as nginx drains: they exit once their keep-alive connections end.
    private static func waitUntilGone(_ workers: [Int32]) {
        let deadline = MonotonicClock.nanoseconds() + 30_000_000_000
        while MonotonicClock.nanoseconds() < deadline,
              workers.contains(where: { FileManager.default.fileExists(atPath: "/proc/\($0)") }) {
            usleep(5_000)
        }
    }
}
