import Foundation
import Glibc
import Synchronization

/// The built `slipway` binary running on a stack in a temporary directory,
/// with its output collected as it arrives.
///
/// Every process it leads to carries `SLIPWAY_E2E_RUN=<id>` in its
/// environment (services inherit the supervisor's), so `cleanUp()` can find
/// and kill each one, grandchildren included, even when a test fails.
final class SlipwayProcess: Sendable {
    let stack: TestStack
    private let process: Process
    private let stdout = OutputBuffer()
    private let stderr = OutputBuffer()

    init(_ stack: TestStack, arguments: [String], environment extra: [String: String] = [:], terminal: Bool = false) throws {
        self.stack = stack
        let process = Process()
        let slipway = [TestStack.slipwayBinary] + ["-f", stack.composeFile, "--state-dir", stack.stateDirectory] + arguments
        if terminal {
            // `script` gives slipway a pseudo-terminal, so colour decisions are tested for real.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qefc", slipway.map(Self.quoted).joined(separator: " "), "/dev/null"]
        } else {
            process.executableURL = URL(fileURLWithPath: slipway[0])
            process.arguments = Array(slipway.dropFirst())
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SLIPWAY_E2E_RUN"] = stack.runID
        environment["NO_COLOR"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: stack.directory)
        process.standardOutput = stdout.pipe
        process.standardError = stderr.pipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
    }

    var output: String { stdout.text }
    var errors: String { stderr.text }
    var pid: Int32 { process.processIdentifier }

    /// The states progress lines gave `service` so far (`Started`, `Healthy`, …).
    func states(of service: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count >= 3, words[1] == service, words[0].count == 1 else { return nil }
            return String(words[2])
        }
    }

    /// Polls until stdout contains `text`.
    func waitForOutput(_ text: String, within deadline: Duration = .seconds(30)) async -> Bool {
        await eventually(within: deadline) { self.output.contains(text) }
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// The exit status, or nil if it is still running at the deadline.
    func waitForExit(within deadline: Duration = .seconds(30)) async -> Int32? {
        guard await eventually(within: deadline, { !self.process.isRunning }) else { return nil }
        return process.terminationStatus
    }

    /// Ends slipway and everything that carries this run's marker.
    func cleanUp() async {
        if process.isRunning { signal(SIGKILL) }
        _ = await waitForExit(within: .seconds(10))
        await stack.killLeftovers()
    }

    private static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Collects a pipe's bytes as they arrive.
final class OutputBuffer: Sendable {
    let pipe = Pipe()
    private let bytes = ByteStore()

    init() {
        let bytes = self.bytes
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                bytes.append(data)
            }
        }
    }

    var text: String { bytes.text }
}

final class ByteStore: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    func append(_ data: Data) {
        bytes.withLock { $0.append(contentsOf: data) }
    }

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// Polls `condition` until it holds or `deadline` passes.
func eventually(within deadline: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return condition()
}
