import Foundation

/// A Postgres 15 of the benchmark's own, in its run directory, run as the `postgres` user the
/// way Slipway's example stack runs it (`user: postgres`).
final class BenchPostgres {
    static let binaries = "/usr/lib/postgresql/15/bin"
    let port: Int
    private let process: ProxyBenchProcess

    private let directory: String

    /// `parent` may be private to the benchmark's user; Postgres gets a directory of its own in /tmp.
    init() throws {
        var template = Array("/tmp/slipway-bench-postgres-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ProxyBenchError.toolFailed("mkdtemp", "cannot create a directory in /tmp") }
        let directory = String(cString: made)
        self.directory = directory
        let data = "\(directory)/pgdata"
        try Self.run("/bin/chown", ["postgres:postgres", directory])
        try Self.run(ToolPath.find("setpriv")!, Self.asPostgres + ["\(Self.binaries)/initdb", "-D", data, "-A", "trust", "-U", "postgres"])
        port = ProxyLoopbackPort.free()
        process = try ProxyBenchProcess(
            name: "postgres",
            port: port,
            executable: ToolPath.find("setpriv")!,
            arguments: Self.asPostgres + ["\(Self.binaries)/postgres", "-D", data, "-p", "\(port)", "-k", directory,
                                          "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=50"],
            logDirectory: directory
        )
    }

    func initializePgbench() throws {
        try Self.run(ToolPath.find("pgbench")!, ["-i", "-q", "-s", "1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "postgres"])
    }

    /// `pgbench -S -c 8 -T seconds` through `port`: transactions per second.
    func pgbench(port: Int, seconds: Int) throws -> Double {
        let output = try Self.run(
            ToolPath.find("pgbench")!,
            ["-S", "-c", "8", "-j", "2", "-T", "\(seconds)", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "postgres"]
        )
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let value = line.split(separator: " ").dropFirst(2).first.flatMap({ Double($0) })
        else { throw ProxyBenchError.wrkOutput(output) }
        return value
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let asPostgres = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"]

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try UnblockedSignals.around { try process.run() }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ProxyBenchError.toolFailed(executable, output) }
        return output
    }
}
