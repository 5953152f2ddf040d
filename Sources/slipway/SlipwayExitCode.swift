import ArgumentParser

/// Slipway's exit codes (docs/exit-codes.md).
enum SlipwayExitCode {
    static let success = ExitCode.success
    /// The compose files are invalid: nothing was started.
    static let invalidCompose = ExitCode(1)
    /// The command line is wrong (unknown option, missing value, bad combination).
    static let usage = ExitCode(2)
    /// `deployments`: the deployment log exists but cannot be read (damaged, from a newer Slipway, not a log).
    static let unreadableDeploymentLog = ExitCode(3)
}

/// An error a subcommand raises with its own message and exit code.
protocol SlipwayFailure: Error {
    var message: String { get }
    var exitCode: ExitCode { get }
}
