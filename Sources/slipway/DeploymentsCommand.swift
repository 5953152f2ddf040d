import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway deployments`: the project's deployment history, read from its
/// log file, so it works whether or not the supervisor is running.
struct DeploymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployments",
        abstract: "List the project's deployments, or show one's timeline.",
        usage: """
            slipway deployments [SERVICE] [--limit N] [--format table|json]
            slipway deployments show ID [--format table|json]
            """,
        discussion: "Reads <state dir>/deployments.sqlite (docs/deployments.md); no supervisor needs to run."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    /// What the positional words ask for.
    enum Request: Equatable {
        case list(service: String?)
        case show(id: Int64)
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Show at most this many deployments, newest first.")
    var limit: Int?

    @Option(help: "Output format: table, or json with ps's field conventions.")
    var format: Format = .table

    @Argument(help: ArgumentHelp("A service whose deployments to list, or `show ID`.", valueName: "service"))
    var words: [String] = []

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit takes a positive number, not \(limit)") }
        if case .show = try request(), limit != nil { throw ValidationError("--limit lists deployments; show prints one") }
    }

    func request() throws -> Request {
        switch words.count {
        case 0:
            return .list(service: nil)
        case 1 where words[0] != "show":
            return .list(service: words[0])
        case 2 where words[0] == "show":
            guard let id = Int64(words[1]), id > 0 else {
                throw ValidationError("a deployment ID is a positive number, not \"\(words[1])\"")
            }
            return .show(id: id)
        default:
            throw ValidationError("expected [SERVICE] or show ID, got \"\(words.joined(separator: " "))\"")
        }
    }

    func run() async throws {
        let history = DeploymentHistory(stateDirectory: try global.controlEndpoint().stateDirectory)
        switch try request() {
        case .list(let service):
            let deployments = try history.deployments(service: service, limit: limit)
            switch format {
            case .table: DeploymentTable.lines(deployments).forEach { print($0) }
            case .json: print(try DeploymentRecord.json(deployments))
            }
        case .show(let id):
            let (deployment, events) = try history.timeline(of: id)
            switch format {
            case .table: DeploymentTimeline.lines(deployment, events: events).forEach { print($0) }
            case .json: print(try DeploymentRecord.json(deployment, events: events))
            }
        }
    }
}

extension DeploymentHistoryError: SlipwayFailure {
    var message: String { description }

    var exitCode: ExitCode {
        switch self {
        case .noHistory, .unknownDeployment: ExitCode(1)
        case .unreadable: SlipwayExitCode.unreadableDeploymentLog
        }
    }
}
