import ArgumentParser
import Foundation
import SlipwayCLIRendering
import SlipwayRuntime

/// `slipway ps`: the project's instances as the supervisor sees them.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List the project's service instances."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    @OptionGroup var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Show all instances, stopped and exited ones included.")
    var all = false

    @Option(help: "Output format: table, or json (one object per line, with docker compose's field names).")
    var format: Format = .table

    @Argument(help: "Show only these services.")
    var services: [String] = []

    func run() async throws {
        let snapshot = try await global.controlClient().status(services: services)
        let listed = snapshot.listed(includeStopped: all, services: services)
        switch format {
        case .table: StatusTable.lines(listed, at: snapshot.takenAt).forEach { print($0) }
        case .json: try ComposePsRecord.jsonLines(listed, project: snapshot.project, now: snapshot.takenAt).forEach { print($0) }
        }
    }
}
