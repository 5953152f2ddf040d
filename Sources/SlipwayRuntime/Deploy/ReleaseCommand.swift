import ComposeKit

/// `x-slipway.release` (a Procfile's `release:`, e.g. migrations): run once
/// with the new instance's environment before it takes traffic; a non-zero
/// exit fails the deploy.
struct ReleaseCommand: Sendable {
    struct Outcome: Sendable, Equatable {
        /// Why it failed, in words for the user; nil when it succeeded.
        var failure: String?
        var summary: String
        var output: [String]
    }

    /// A release that runs longer is killed with its process group.
    static let timeout = Duration.seconds(600)

    let command: CommandLine
    let service: Service
    /// Runs the command through `__exec-tied`, so it ends with the supervisor.
    let shimExecutable: String

    func run(environment: [String: String]) async -> Outcome {
        let arguments: [String] = switch command {
        case let .shell(script): ["/bin/sh", "-c", script]
        case let .exec(list): list
        }
        guard let program = arguments.first,
              let executable = ExecutableLookup.resolve(program, environment: environment, workingDirectory: service.workingDir)
        else {
            return Outcome(failure: "cannot run: \(arguments.first ?? "an empty command"): not found", summary: "", output: [])
        }
        let probe = ProbeCommand(
            executable: shimExecutable,
            arguments: TiedCommand.arguments(shimExecutable: shimExecutable, program: executable, arguments: arguments),
            environment: environment, workingDirectory: service.workingDir)
        let cancellation = ProbeCancellation()
        let began = ContinuousClock.now
        let outcome = await DedicatedThread.run { ProbeProcess.run(probe, timeout: Self.timeout, cancellation: cancellation) }
        let took = ProgressLine.format(.now - began)
        let output = String(decoding: outcome.output, as: UTF8.self).split(separator: "\n").map(String.init)
        switch outcome.ending {
        case .exited(0): return Outcome(failure: nil, summary: "exited 0 after \(took)", output: output)
        case let .exited(code): return Outcome(failure: "exited with code \(code) after \(took)", summary: "", output: output)
        case .timedOut: return Outcome(failure: "ran longer than \(ProgressLine.format(Self.timeout))", summary: "", output: output)
        case .cancelled: return Outcome(failure: "was cancelled", summary: "", output: output)
        case let .failedToStart(reason): return Outcome(failure: "could not start: \(reason)", summary: "", output: output)
        }
    }
}
