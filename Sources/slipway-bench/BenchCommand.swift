import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway-bench",
        abstract: "Slipway's benchmarks, each printing its figure beside its peer's.",
        subcommands: [
            ProxyBenchCommand.self, ReadinessBenchCommand.self, ConfigBenchCommand.self, SupervisorRSSBenchCommand.self,
            BringUpBenchCommand.self, SplitWriteBenchCommand.self, ImagesBenchCommand.self, SeedBenchCommand.self, NamesBenchCommand.self,
            ListenQueryBenchCommand.self, IdleBenchCommand.self, HardenBenchCommand.self, DeployBenchCommand.self,
            RollbackBenchCommand.self,
            VersionHTTPServer.self,
        ]
    )
}
