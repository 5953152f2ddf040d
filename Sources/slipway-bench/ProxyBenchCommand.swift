import ArgumentParser

/// `slipway-bench proxy`: Slipway's proxy beside nginx and haproxy under the same wrk load.
struct ProxyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Compare Slipway's proxy (HTTP and TCP modes) with nginx and haproxy under wrk.",
        subcommands: [ProxyBenchRun.self, ProxyTCPBench.self, ProxyBenchServe.self],
        defaultSubcommand: ProxyBenchRun.self
    )
}
