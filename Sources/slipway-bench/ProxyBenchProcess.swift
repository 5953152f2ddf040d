import Foundation
import Glibc
import NIOPosix

/// A child process of the benchmark, stopped when the benchmark is done with it.
final class ProxyBenchProcess {
    let name: String
    let port: Int
    private let process: Process

    /// Starts `executable` and waits until something accepts connections on `port`.
    init(name: String, port: Int, executable: String, arguments: [String], logDirectory: String) throws {
        self.name = name
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = FileManager.default.createFile(atPath: "\(logDirectory)/\(Self.fileName(name)).log", contents: nil)
            ? FileHandle(forWritingAtPath: "\(logDirectory)/\(Self.fileName(name)).log") : nil
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    var pid: Int32 { process.processIdentifier }

    /// Resident set size in bytes, from /proc.
    func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
        return kilobytes.map { $0 * 1024 }
    }

    /// Threads of the process, from /proc.
    func threadCount() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") })
        else { return nil }
        return line.split(separator: "\t").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// CPU time of this process and its children (nginx's worker) so far.
    func cpuTime() throws -> ProxyCPUTime {
        guard let time = ProxyCPUTime.ofProcessAndChildren(pid) else { throw ProxyBenchError.stoppedRunning(name) }
        return time
    }

    /// SIGKILL, as a crash ends it.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard process.isRunning else { throw ProxyBenchError.exitedEarly(name) }
            if ProxyLoopbackPort.acceptsConnections(port) { return }
            usleep(20_000)
        }
        stop()
        throw ProxyBenchError.notListening(name, port)
    }

    private static func fileName(_ name: String) -> String {
        name.replacingOccurrences(of: " ", with: "-").filter { $0.isLetter || $0 == "-" }
    }
}
