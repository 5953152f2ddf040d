import ArgumentParser
import SlipwayRuntime

/// Control commands fail with exit code 1 and the runtime's own message,
/// which already says what to do (`start it with slipway up -d`).
extension ControlClientError: SlipwayFailure {
    var message: String { description }
    var exitCode: ExitCode { ExitCode(1) }
}

extension ControlServerError: SlipwayFailure {
    var message: String { description }
    var exitCode: ExitCode { ExitCode(1) }
}

/// Some instances could not be acted on; each was already reported on its own line.
struct ActionFailed: SlipwayFailure {
    var count: Int
    var message: String { count == 1 ? "1 instance failed" : "\(count) instances failed" }
    var exitCode: ExitCode { ExitCode(1) }
}
