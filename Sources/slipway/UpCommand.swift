import ArgumentParser
import ComposeKit
import Foundation
import SlipwayRuntime

/// `slipway up [SERVICE...]`: run the stack in the foreground until Ctrl-C,
/// or with `-d` in the background.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the services in dependency order, in the foreground or (-d) in the background.",
        discussion: """
            Ctrl-C once stops every service gracefully (dependents first, each with its \
            stop_signal and stop_grace_period); a second Ctrl-C kills them at once. \
            Exit codes: 0 stopped or all ended (with -d: started, or ready with --wait), \
            1 the compose files are invalid (nothing started), 2 a usage error or an unknown service, \
            3 a service failed during bring-up or --wait, 4 a published port is unavailable, \
            5 the state directory is unusable, 6 the project is already running (foreground), \
            7 --wait-timeout passed, 8 the background supervisor was lost, 130 forced stop \
            (docs/exit-codes.md).
            """
    )

    /// The hidden flag of the background supervisor `up -d` starts.
    static let supervisorFlag = "--detached-supervisor"

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customShort("d"), .customLong("detach")], help: "Run the supervisor in the background and return once the services are started.")
    var detach = false

    @Flag(help: "Wait until every service is healthy (or running, without a health check) and one-shot dependencies completed; implies -d.")
    var wait = false

    @Option(name: .customLong("wait-timeout"), help: "Give up waiting after this many seconds (implies --wait).")
    var waitTimeout: Int?

    @Option(help: "With -d or --wait: json prints the services and their published addresses on stdout (docs/testing.md).")
    var format: UpFormat?

    @Flag(help: "Stop every service when any one ends (foreground only); up returns that service's exit code.")
    var abortOnContainerExit = false

    @Flag(help: "Stop every service when any one ends with a non-zero code (foreground only).")
    var abortOnContainerFailure = false

    @Option(help: "Return this service's exit code; implies --abort-on-container-exit.")
    var exitCodeFrom: String?

    @Flag(name: .customLong("remove-orphans"), help: "With -d on a running project: stop services no longer in the files.")
    var removeOrphans = false

    @Flag(name: .customLong("detached-supervisor"), help: .hidden)
    var detachedSupervisor = false

    /// The project `up -d` loaded (`ProjectHandoff`), which the background supervisor runs as it is.
    @Option(name: .customLong("loaded-project"), help: .hidden)
    var loadedProject: String?

    @Argument(help: "Start only these services (and what they depend on).")
    var serviceNames: [String] = []

    /// A year: longer waits are typos, and a bound keeps the deadline arithmetic exact.
    static let maximumWaitTimeout = 365 * 86_400

    func validate() throws {
        let background = detach || wait || waitTimeout != nil
        if background, global.files.contains("-") {
            throw ValidationError("up -d cannot read the compose file from stdin; name a file with -f")
        }
        if let waitTimeout, !(1...Self.maximumWaitTimeout).contains(waitTimeout) {
            throw ValidationError("--wait-timeout takes 1 to \(Self.maximumWaitTimeout) seconds (a year), not \(waitTimeout)")
        }
        if format != nil, !background { throw ValidationError("--format needs -d or --wait") }
        if background, abortOnContainerExit || abortOnContainerFailure || exitCodeFrom != nil {
            throw ValidationError("--abort-on-container-exit, --abort-on-container-failure and --exit-code-from need the foreground (no -d)")
        }
        if abortOnContainerFailure, abortOnContainerExit || exitCodeFrom != nil {
            throw ValidationError("--abort-on-container-failure cannot be combined with --abort-on-container-exit or --exit-code-from")
        }
    }

    /// The abort rule the flags ask for, nil without one.
    private func exitAbort(_ project: Project) throws -> ExitAbort? {
        if let exitCodeFrom, project.services[exitCodeFrom] == nil {
            throw ValidationError("--exit-code-from: no such service: \(exitCodeFrom)")
        }
        if abortOnContainerFailure { return ExitAbort(trigger: .failure, exitCodeFrom: nil, project: project) }
        guard abortOnContainerExit || exitCodeFrom != nil else { return nil }
        return ExitAbort(trigger: .anyExit, exitCodeFrom: exitCodeFrom, project: project)
    }

    func run() async throws {
        let project = try loadProject()
        if detach || wait || waitTimeout != nil, !detachedSupervisor {
            let waiting = wait || waitTimeout != nil
            try await DetachedUp(
                project: project, global: global, serviceNames: serviceNames, wait: waiting,
                timeout: waitTimeout.map { .seconds($0) }, json: format == .json, removeOrphans: removeOrphans
            ).run()
            return
        }
        let abort = try exitAbort(project)
        let environment = ProcessInfo.processInfo.environment
        let terminal = TerminalOutput(environment: environment)
        let supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: project,
            services: serviceNames,
            stateDirectory: StateDirectory.resolve(
                project: project.name, override: global.scope.stateDirectory, environment: environment),
            shimExecutable: try Self.shimExecutable(),
            // In the background, service output goes to the log files only.
            terminal: detachedSupervisor ? nil : terminal,
            environment: environment))
        let progress = ProgressLine(
            nameWidth: project.services.keys.map(\.count).max() ?? 0, colours: terminal.colours)
        let aborted = AbortRecord()
        let renderer = Task {
            for await event in supervisor.events {
                if let line = progress.render(event) { terminal.write(line: line) }
                if let cause = abort?.cause(event), await aborted.record(cause) {
                    terminal.write(line: "Aborting on container exit...")
                    Task { await supervisor.stop() }
                }
            }
        }
        let interruption = Interruption()
        let signals = Self.handleInterrupts(of: supervisor, counting: interruption, terminal: terminal)
        let failure = await Self.runUntilEnded(supervisor, detached: detachedSupervisor)
        signals.cancel()
        await renderer.value
        if let abort, let cause = await aborted.cause, await interruption.count == 0 {
            throw PassedExitCode(code: await Self.exitCode(of: abort, cause: cause, supervisor: supervisor))
        }
        try await Self.exit(after: failure, interrupts: interruption.count)
    }

    /// `--exit-code-from`'s service's last exit code (once the abort stopped
    /// it), else the code of the service that caused the abort.
    private static func exitCode(of abort: ExitAbort, cause: (service: String, code: Int32), supervisor: Supervisor) async -> Int32 {
        guard let service = abort.exitCodeFrom, service != cause.service else { return cause.code }
        let instance = try? await supervisor.status(services: [service]).instances.first
        return instance?.exitCode ?? 0
    }

    /// The compose files loaded, or in the background supervisor the project `up -d` loaded.
    private func loadProject() throws -> Project {
        if detachedSupervisor, let loadedProject { return try ProjectHandoff.read(loadedProject) }
        let loaded = try ProjectLoader(options: global.loadOptions(requestedServices: serviceNames)).load()
        if !detachedSupervisor { loaded.warnings.forEach { FailureReport.write($0.description) } }
        return loaded.project
    }

    /// The first Ctrl-C (or SIGTERM) stops gracefully, the next kills. The
    /// stream is installed before anything starts, so no Ctrl-C falls between.
    private static func handleInterrupts(
        of supervisor: Supervisor, counting interruption: Interruption, terminal: TerminalOutput
    ) -> Task<Void, Never> {
        let signals = TerminationSignals.stream()
        return Task {
            for await _ in signals {
                if await interruption.record() == 1 {
                    terminal.write(line: "Gracefully stopping... (press Ctrl-C again to force)")
                    // Not awaited: a second Ctrl-C must be heard during a long grace period.
                    Task { await supervisor.stop() }
                } else {
                    await supervisor.kill()
                }
            }
        }
    }

    /// Brings the stack up and keeps it until everything ended or was
    /// stopped; returns why the bring-up failed, if it did.
    /// In the background the supervisor tells the `up -d` that started it
    /// how the bring-up went, and stays until `down` or a signal.
    private static func runUntilEnded(_ supervisor: Supervisor, detached: Bool) async -> UpError? {
        var failure: UpError?
        do {
            try await supervisor.up()
            if detached { BringUpReport.started.send() }
            await supervisor.waitUntilEndRequested(orAllEnded: !detached)
        } catch {
            if detached { BringUpReport(exitCode: error.exitCode, message: error.description).send() }
            failure = error
        }
        await supervisor.stop()
        return failure
    }

    /// A bring-up failure after a Ctrl-C is the stop itself, not an error.
    private static func exit(after failure: UpError?, interrupts: Int) throws {
        if interrupts > 1 { throw UpFailure(message: "stopped by force", exitCode: ExitCode(130)) }
        if let failure, interrupts == 0 {
            throw UpFailure(message: failure.description, exitCode: ExitCode(failure.exitCode))
        }
    }

    /// This binary, which the supervisor starts again in its hidden shim mode.
    /// `slipway-shim` beside this binary; exit code 3 when it is missing (docs/exit-codes.md).
    static func shimExecutable() throws(UpFailure) -> String {
        do { return try ShimExecutable.beside(ownExecutable()) } catch {
            throw UpFailure(message: error.description, exitCode: ExitCode(3))
        }
    }

    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Swift.CommandLine.arguments[0]
    }
}

enum UpFormat: String, ExpressibleByArgument, CaseIterable {
    case json
}

/// Counts Ctrl-C presses: the first stops gracefully, the next forces.
actor Interruption {
    private(set) var count = 0

    func record() -> Int {
        count += 1
        return count
    }
}

struct UpFailure: SlipwayFailure {
    var message: String
    var exitCode: ExitCode
}
