import Foundation
import Glibc

/// A child that did not exit by its deadline; it has been killed.
struct ProcessDidNotExit: Error, CustomStringConvertible {
    var command: String
    var deadline: Duration
    var description: String { "\(command) did not exit within \(deadline); killed it" }
}

extension Process {
    /// `waitUntilExit()` with a deadline, for synchronous tests: a child that
    /// never exits is killed and fails its test instead of hanging the run.
    func waitUntilExit(within deadline: Duration) throws(ProcessDidNotExit) {
        guard !endsRunning(within: deadline) else { return }
        kill(processIdentifier, SIGKILL)
        _ = endsRunning(within: .seconds(10))
        throw ProcessDidNotExit(command: ([executableURL?.path ?? ""] + (arguments ?? [])).joined(separator: " "), deadline: deadline)
    }

    private func endsRunning(within deadline: Duration) -> Bool {
        let end = ContinuousClock.now + deadline
        while isRunning, ContinuousClock.now < end { usleep(10_000) }
        return !isRunning
    }
}
