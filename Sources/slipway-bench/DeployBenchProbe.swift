import Foundation
import Glibc
import Synchronization

/// Asks through a proxy, on fresh connections, until the new version answers:
/// the instant traffic moved, as a new client sees it.
enum DeployBenchProbe {
    /// Monotonic nanoseconds at which `port` first answered with `body` (nil after `timeout`).
    static func firstAnswer(_ body: String, port: Int, timeout: Duration = .seconds(10)) -> UInt64? {
        let deadline = MonotonicClock.nanoseconds() + UInt64(timeout.components.seconds) * 1_000_000_000
        while MonotonicClock.nanoseconds() < deadline {
            if Self.body(port: port) == body { return MonotonicClock.nanoseconds() }
        }
        return nil
    }

    /// The body of one `GET /` with `Connection: close`, nil when it failed.
    static func body(port: Int) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = ProxyLoopbackPort.address(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard connected == 0, request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
        else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += chunk[..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200"), let split = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[split.upperBound...])
    }
}

/// wrk in the background for as long as the swaps take, stopped with SIGINT (wrk then prints its summary).
final class DeployBenchLoad {
    private let process = Process()
    private let output = Pipe()
    let commandLine: String

    init(port: Int, connections: Int) throws {
        let arguments = ["-t2", "-c\(connections)", "-d600s", "--latency", "http://127.0.0.1:\(port)/"]
        commandLine = "wrk " + arguments.joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk"] + arguments
        process.standardOutput = output
        process.standardError = output
        try Self.spawnWithSignalsUnblocked(process)
    }

    /// A child inherits its spawner's signal mask, and the threads of Swift's
    /// cooperative pool block every signal: wrk spawned from one would never
    /// see the SIGINT that stops it. So it is spawned from a thread of its
    /// own that blocks none.
    private static func spawnWithSignalsUnblocked(_ process: Process) throws {
        let spawned = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do { try process.run() } catch { failure.withLock { $0 = error } }
            spawned.signal()
        }.start()
        spawned.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Stops wrk; its requests and the failed ones (non-2xx plus socket errors).
    func stop() throws -> (requests: Int, failed: Int, summary: [String]) {
        kill(process.processIdentifier, SIGINT)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let result = ProxyWrk.parse(text) else { throw ProxyBenchError.wrkOutput(text) }
        // "Socket errors: connect 0, read 3, write 0, timeout 0" counts each kind; "Non-2xx or 3xx responses: 5" one number.
        let failed = result.problems.map { line in
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            return line.hasPrefix("Non-2xx") ? numbers.last ?? 0 : numbers.reduce(0, +)
        }.reduce(0, +)
        return (result.requests, failed, result.problems)
    }
}
