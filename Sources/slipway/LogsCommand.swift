import ArgumentParser
import ComposeKit
import Foundation
import Glibc
import SlipwayRuntime

/// `slipway logs`: services' output read from their log files, so it works
/// whether or not the supervisor is running.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show services' output."
    )

    @OptionGroup var global: LogsProjectOptions

    @Flag(name: .shortAndLong, help: "Keep showing new output while the supervisor runs.")
    var follow = false

    @Option(help: "Lines to show from the end of each service's log, or all.")
    var tail = "all"

    @Option(help: "Show output since a duration ago (10m, 1h30m), an RFC 3339 timestamp, or unix seconds.")
    var since: String?

    @Flag(name: .shortAndLong, help: "Show timestamps.")
    var timestamps = false

    @Flag(name: .customLong("no-color"), help: "Do not colour the prefixes.")
    var noColor = false

    @Argument(help: "Show only these services.")
    var services: [String] = []

    /// More lines than any kept log holds; the bound keeps the count's arithmetic exact.
    static let maximumTail = 1_000_000_000

    func validate() throws {
        guard tail == "all" || (Int(tail).map { (0...Self.maximumTail).contains($0) } ?? false) else {
            throw ValidationError("--tail takes a number of lines from 0 to \(Self.maximumTail), or all, not \"\(tail)\"")
        }
        if let since {
            do { _ = try LogSince.parse(since) } catch { throw ValidationError(error.description) }
        }
        // A service name becomes a file name: it must not reach outside the logs directory.
        if let outside = services.first(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("/") }) {
            throw ValidationError("invalid service name \"\(outside)\": a service name is a single path component")
        }
    }

    func run() async throws {
        let endpoint = try global.controlEndpoint()
        let logs = endpoint.stateDirectory.logsDirectory
        if services.isEmpty, case .unreadable(let reason) = LogAccess.of(logs, directory: true) {
            throw UnreadableLogs(what: "the logs of project \(endpoint.project)", path: logs, reason: reason)
        }
        let known = LogSource.all(in: logs)
        let sources = try selectedSources(known: known, state: endpoint.stateDirectory)
        let options = LogReader.Options(tail: Int(tail), since: try since.map { try LogSince.parse($0) })
        let reader = LogReader(sources: sources, options: options)
        let colours = !noColor && TerminalOutput(descriptor: 1, environment: ProcessInfo.processInfo.environment).colours
        var format = LogLineFormat(services: known.map(\.service), colours: colours, timestamps: timestamps)
        let show: (LogEntry) -> Void = { entry in
            format.include(entry.service)
            print(format.line(entry))
        }
        guard follow else { return reader.drain(show) }
        var liveness = SupervisorLiveness(client: ControlClient(endpoint: endpoint))
        await reader.follow(
            discover: { services.isEmpty ? LogSource.all(in: logs) : [] },
            shouldContinue: {
                fflush(nil)
                return await liveness.isRunning()
            },
            show)
        fflush(nil)
    }

    /// The named services' files, which must exist unless following (a
    /// service may not have started yet); every file shown must be readable.
    private func selectedSources(known: [LogSource], state: StateDirectory) throws -> [LogSource] {
        let selected = services.isEmpty ? known : services.map { LogSource(service: $0, path: state.logFile(service: $0)) }
        for source in selected {
            switch LogAccess.of(source.path) {
            case .readable: continue
            case .missing: if !follow { throw NoLogs(service: source.service, path: source.path) }
            case .unreadable(let reason):
                throw UnreadableLogs(what: "the logs of service \(source.service)", path: source.path, reason: reason)
            }
        }
        return selected
    }
}

/// Asks the supervisor whether it still runs at most once a second, so
/// following costs a connection per second rather than per poll.
struct SupervisorLiveness {
    let client: ControlClient
    private var lastAnswer = true
    private var lastAsked: ContinuousClock.Instant?

    init(client: ControlClient) {
        self.client = client
    }

    mutating func isRunning() async -> Bool {
        if let lastAsked, ContinuousClock.now - lastAsked < .seconds(1) { return lastAnswer }
        lastAnswer = await client.supervisorIsRunning()
        lastAsked = .now
        return lastAnswer
    }
}

/// The global options less `-f`, which `logs` takes for `--follow` as docker
/// compose does; the compose file is then named with `--file`.
struct LogsProjectOptions: ParsableArguments {
    @Option(name: .customLong("file"), help: "Compose file (repeatable).")
    var files: [String] = []

    @OptionGroup var scope: ProjectScopeOptions

    func controlEndpoint() throws -> ControlEndpoint {
        try ControlEndpoint.resolve(
            scope.loadOptions(files: files, requireCommands: false), stateDirectory: scope.stateDirectory)
    }
}

struct NoLogs: SlipwayFailure {
    var service: String
    var path: String
    var message: String { "no logs for service \(service): \(path) does not exist" }
    var exitCode: ExitCode { ExitCode(1) }
}

struct UnreadableLogs: SlipwayFailure {
    var what: String
    var path: String
    var reason: String
    var message: String { "cannot read \(what): \(path): \(reason)" }
    var exitCode: ExitCode { ExitCode(1) }
}
