import ArgumentParser
import SlipwayCLIRendering
import SlipwayRuntime

/// `slipway stats`: what the proxy counted on the project's published ports.
/// Unlike `docker compose stats` it prints once instead of streaming, so its
/// output can be piped and compared; run it again for fresh figures.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the proxy's traffic figures per published port and instance.",
        discussion: "Prints once (docker compose stats streams). HTTP ports count requests, TCP ports connections; latency quantiles are HTTP request durations, each the upper bound of its histogram bucket."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format: table, or json (the supervisor's snapshot as is).")
    var format: Format = .table

    @Argument(help: "Show only these services.")
    var services: [String] = []

    func run() async throws {
        let snapshot = try await global.controlClient().stats(services: services)
        switch format {
        case .table: StatsTable.lines(snapshot).forEach { print($0) }
        case .json: print(try snapshot.json())
        }
    }
}
