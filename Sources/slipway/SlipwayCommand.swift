import ArgumentParser

@main
struct SlipwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "Run a compose-spec stack as local processes behind a built-in reverse proxy.",
        version: "0.1.0",
        subcommands: [ShimCommand.self, ExecAsCommand.self]
    )
}
