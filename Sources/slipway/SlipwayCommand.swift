import ArgumentParser
import Foundation

@main
struct SlipwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Run a compose-spec stack as local processes behind a built-in reverse proxy.",
        discussion: "Global options (-f, -p, --profile, --env-file, --project-directory, --state-dir) go before or after the subcommand.",
        version: "0.1.0",
        subcommands: [
            ConfigCommand.self, UpCommand.self, PsCommand.self, LogsCommand.self, StopCommand.self, StartCommand.self,
            RestartCommand.self, KillCommand.self, DownCommand.self, StatsCommand.self, DeploymentsCommand.self,
            DeployCommand.self, RollbackCommand.self, DrillCommand.self, PromoteCommand.self, AbortCommand.self, ProxyCommand.self, PauseCommand.self, UnpauseCommand.self, FaultCommand.self, PortCommand.self, RunCommand.self,
        ]
    )

    /// Parses with global options moved behind the subcommand, runs, and maps
    /// every failure to a documented exit code (docs/exit-codes.md).
    static func main() async {
        let arguments = GlobalArgumentOrder.reorder(
            Array(Swift.CommandLine.arguments.dropFirst()),
            subcommands: configuration.subcommands.map { $0._commandName }
        )
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(code: FailureReport.render(error, command: self))
        }
    }

    private static func exit(code: ExitCode) -> Never {
        Foundation.exit(code.rawValue)
    }
}
