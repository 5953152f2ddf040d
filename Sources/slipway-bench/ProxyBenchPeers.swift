import ArgumentParser
import Foundation

/// Starts the backend, Slipway's proxies and the peers, each on a free loopback port.
struct ProxyBenchPeers {
    let directory: String

    func startBackend() throws -> ProxyBenchProcess {
        let port = ProxyLoopbackPort.free()
        return try nginx(
            name: "backend",
            port: port,
            config: ProxyPeerConfigs.backend(port: port, directory: directory)
        )
    }

    func start(_ target: ProxyBenchTarget, backendPort: Int) throws -> ProxyBenchProcess {
        let port = ProxyLoopbackPort.free()
        switch target {
        case .backend:
            return try startBackend()
        case .slipwayHTTP, .slipwayTCP:
            return try startSlipway(mode: target == .slipwayHTTP ? "http" : "tcp", upstreamPort: backendPort, port: port)
        case .nginx:
            return try nginx(
                name: "nginx",
                port: port,
                config: ProxyPeerConfigs.nginxProxy(port: port, backendPort: backendPort, directory: directory)
            )
        case .haproxyHTTP, .haproxyTCP:
            let mode = target == .haproxyHTTP ? "http" : "tcp"
            let path = "\(directory)/haproxy-\(mode).cfg"
            try ProxyPeerConfigs.haproxy(port: port, backendPort: backendPort, mode: mode)
                .write(toFile: path, atomically: true, encoding: .utf8)
            return try ProxyBenchProcess(
                name: target.rawValue,
                port: port,
                executable: ToolPath.find("haproxy")!,
                arguments: ["-f", path, "-db"],
                logDirectory: directory
            )
        }
    }

    /// `slipway-bench proxy serve`, with `extraListeners` more listeners on other free ports.
    func startSlipway(mode: String, upstreamPort: Int, extraListeners: Int = 0, port: Int = ProxyLoopbackPort.free()) throws -> ProxyBenchProcess {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return try ProxyBenchProcess(
            name: "slipway \(mode)",
            port: port,
            executable: executable,
            arguments: ["proxy", "serve", "--listen-port", "\(port)", "--upstream-port", "\(upstreamPort)",
                        "--mode", mode, "--extra-listeners", "\(extraListeners)"],
            logDirectory: directory
        )
    }

    private func nginx(name: String, port: Int, config: String) throws -> ProxyBenchProcess {
        let path = "\(directory)/\(name).conf"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        return try ProxyBenchProcess(
            name: name,
            port: port,
            executable: ToolPath.find("nginx")!,
            arguments: ["-p", directory, "-c", path, "-e", "\(directory)/\(name)-startup.log"],
            logDirectory: directory
        )
    }
}

/// Finds a tool on PATH (and in the sbin directories, where nginx and haproxy live).
enum ToolPath {
    /// `program` itself when it is a path, else where `find` locates it; a usage error naming
    /// the option that overrides it otherwise.
    static func resolve(_ program: String, option: String) throws -> String {
        if program.contains("/") { return program }
        guard let path = find(program) else { throw ValidationError("\(program) not found in PATH; pass \(option)") }
        return path
    }

    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
