import ArgumentParser
import ComposeKit
import Foundation

/// Writes a failure to stderr the way a user can act on it, and picks its exit code.
enum FailureReport {
    static func render(_ error: any Error, command: any ParsableCommand.Type) -> ExitCode {
        switch error {
        case let error as ComposeError:
            write(error.description)
            return SlipwayExitCode.invalidCompose
        case let error as PassedExitCode:
            return ExitCode(error.code)
        case let error as any SlipwayFailure:
            write("error: \(error.message)")
            return error.exitCode
        default:
            let code = command.exitCode(for: error)
            let message = command.fullMessage(for: error)
            if code == .success {
                print(message)
                return .success
            }
            if !message.isEmpty { write(message) }
            return code == .validationFailure ? SlipwayExitCode.usage : code
        }
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
