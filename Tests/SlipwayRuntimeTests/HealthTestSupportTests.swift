import Foundation
import SlipwayTestSupport
import Glibc
import Synchronization
import Testing
@testable import SlipwayRuntime

/// A temporary directory for one test, removed when the test ends.
final class HealthTestDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "slipway-health-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: created)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ text: String, to name: String) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }

    /// Installed by a `cp` child: a descriptor this process writes through
    /// can leak into a child another test spawns at that moment, and `exec`
    /// refuses a file any process holds open for writing ("Text file busy").
    func writeExecutable(_ text: String, to name: String) async throws {
        let source = file(name + ".source")
        try text.write(toFile: source, atomically: true, encoding: .utf8)
        let copy = try ChildProcess("/bin/sh", ["-c", #"cp "$1" "$2" && chmod 755 "$2""#, "sh", source, file(name)])
        guard try await copy.waitUntilExit(within: .seconds(60)) == 0 else { throw POSIXError(.EIO) }
    }

    func read(_ name: String) -> String? {
        try? String(contentsOfFile: file(name), encoding: .utf8)
    }
}

/// Waiting and process checks shared by the health, restart and environment tests.
enum HealthTesting {
    /// Polls `condition` until it holds or `deadline` passes; true when it held.
    /// The deadline only bounds a failing test: the whole suite runs in
    /// parallel on two busy cores, where a probe cycle can take seconds.
    static func eventually(within deadline: Duration = .seconds(120), _ condition: () async -> Bool) async -> Bool {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// True when no live process has this pid (a zombie awaiting its reaper counts as gone).
    static func processIsGone(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let closing = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(closing, offsetBy: 2)]
        return state == "Z" || state == "X"
    }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 answering every request with one
/// canned response, served from a thread of its own; `stop()` ends it.
final class CannedHTTPServer: Sendable {
    let port: Int
    private let listener: CInt
    private let requests = Atomic<Int>(0)

    /// `response` nil accepts connections and never answers.
    init(status: Int?, body: String = "", listenImmediately: Bool = true) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard LoopbackAddress(port: 0).withSockAddr({ bind(listener, $0, $1) }) == 0,
              let port = LoopbackAddress.boundPort(of: listener)
        else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = listener
        self.port = port
        if listenImmediately { try startListening(status: status, body: body) }
    }

    /// Starts accepting; before this, connections to `port` are refused.
    func startListening(status: Int?, body: String = "") throws {
        guard listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        let response = status.map {
            "HTTP/1.1 \($0) Canned\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        }
        let server = self
        Thread.detachNewThread { server.serve(response) }
    }

    var requestCount: Int { requests.load(ordering: .relaxed) }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    deinit { close(listener) }

    private func serve(_ response: String?) {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            requests.add(1, ordering: .relaxed)
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(connection, &buffer, buffer.count)
            if let response {
                _ = response.withCString { write(connection, $0, strlen($0)) }
                close(connection)
            } else {
                let held = connection
                Thread.detachNewThread {
                    var byte: UInt8 = 0
                    _ = read(held, &byte, 1)
                    close(held)
                }
            }
        }
    }
}
