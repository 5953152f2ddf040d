import Foundation
import Glibc
import SlipwayTestSupport
import Synchronization

/// The built `slipway` binary running on a stack in a temporary directory,
/// with its output collected as it arrives.
///
/// Every process it leads to carries `SLIPWAY_E2E_RUN=<id>` in its
/// environment (services inherit the supervisor's), so `cleanUp()` can find
/// and kill each one, grandchildren included, even when a test fails.
final class SlipwayProcess: Sendable {
    let stack: TestStack
    private let process: ChildProcess
    private let stdout: CapturedOutput
    private let stderr: CapturedOutput

    /// `stateDirectory: false` leaves the state directory to `-p` and the
    /// environment (`XDG_STATE_HOME`), as a user who names projects would.
    init(
        _ stack: TestStack, arguments: [String], environment extra: [String: String] = [:], terminal: Bool = false,
        stateDirectory: Bool = true
    ) throws {
        self.stack = stack
        let state = stateDirectory ? ["--state-dir", stack.stateDirectory] : []
        let slipway = [TestStack.slipwayBinary] + ["-f", stack.composeFile] + state + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SLIPWAY_E2E_RUN"] = stack.runID
        environment["NO_COLOR"] = nil
        environment.merge(extra) { $1 }
        let stdout = try CapturedOutput()
        let stderr = try CapturedOutput()
        defer {
            stdout.childStarted()
            stderr.childStarted()
        }
        // `script` gives slipway a pseudo-terminal, so colour decisions are tested for real.
        let (executable, argv) = terminal
            ? ("/usr/bin/script", ["-qefc", slipway.map(Self.quoted).joined(separator: " "), "/dev/null"])
            : (slipway[0], Array(slipway.dropFirst()))
        process = try ChildProcess(
            executable, argv, environment: environment, directory: stack.directory, stdout: stdout.writeEnd,
            stderr: stderr.writeEnd)
        self.stdout = stdout
        self.stderr = stderr
    }

    var output: String { stdout.text }
    var errors: String { stderr.text }
    var pid: Int32 { process.pid }

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
        process.signal(number)
    }

    /// The exit status, or nil if it is still running at the deadline.
    func waitForExit(within deadline: Duration = .seconds(30)) async -> Int32? {
        guard await eventually(within: deadline, { !self.process.isRunning }) else { return nil }
        return process.terminationStatus
    }

    /// The exit status once the process ended, nil if it did not by the
    /// deadline. Its outputs are read to their end first, unless a process it
    /// left running still holds the pipe; then what arrived within fifteen
    /// seconds (a loaded machine can pause the readers that long) has to do.
    func finish(within deadline: Duration = .seconds(60)) async -> Int32? {
        guard let status = await waitForExit(within: deadline) else { return nil }
        _ = await eventually(within: .seconds(15)) { self.stdout.closed && self.stderr.closed }
        return status
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

/// Polls `condition` until it holds or `deadline` passes.
func eventually(within deadline: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return condition()
}
