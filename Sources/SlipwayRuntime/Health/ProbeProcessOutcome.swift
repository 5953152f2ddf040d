/// How a probe program ended, with what it printed (stdout and stderr
/// together, as docker records them).
struct ProbeProcessOutcome: Sendable, Equatable {
    enum Ending: Sendable, Equatable {
        /// Exit code, or 128 + signal for a killed program (the shell's convention).
        case exited(code: Int32)
        /// Overran its timeout; its process group was killed.
        case timedOut
        /// The waiting task was cancelled; its process group was killed.
        case cancelled
        case failedToStart(reason: String)
    }

    var ending: Ending
    var output: [UInt8]
}
