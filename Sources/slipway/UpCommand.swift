import ArgumentParser
import ComposeKit
import Foundation
import SlipwayRuntime

/// `slipway up [SERVICE...]`: run the stack in the foreground until Ctrl-C.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the services in dependency order and run them in the foreground.",
        discussion: """
            Ctrl-C once stops every service gracefully (dependents first, each with its \
            stop_signal and stop_grace_period); a second Ctrl-C kills them at once. \
            Exit codes: 0 stopped or all ended, 3 a service failed during bring-up, \
            4 a published port is unavailable, 5 the state directory is unusable, \
            130 forced stop (docs/runtime.md).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Start only these services (and what they depend on).")
    var serviceNames: [String] = []

    func run() async throws {
        let loaded = try ProjectLoader(options: global.loadOptions(requestedServices: serviceNames)).load()
        loaded.warnings.forEach { FailureReport.write($0.description) }
        let environment = ProcessInfo.processInfo.environment
        let terminal = TerminalOutput(environment: environment)
        let supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: loaded.project,
            services: serviceNames,
            stateDirectory: StateDirectory.resolve(
                project: loaded.project.name, override: global.stateDirectory, environment: environment),
            shimExecutable: Self.ownExecutable(),
            terminal: terminal,
            environment: environment))
        let progress = ProgressLine(
            nameWidth: loaded.project.services.keys.map(\.count).max() ?? 0, colours: terminal.colours)
        let renderer = Task {
            for await event in supervisor.events {
                if let line = progress.render(event) { terminal.write(line: line) }
            }
        }
        let interruption = Interruption()
        let signals = Self.handleInterrupts(of: supervisor, counting: interruption, terminal: terminal)
        let failure = await Self.runUntilEnded(supervisor)
        signals.cancel()
        await renderer.value
        try await Self.exit(after: failure, interrupts: interruption.count)
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
    private static func runUntilEnded(_ supervisor: Supervisor) async -> UpError? {
        var failure: UpError?
        do {
            try await supervisor.up()
            await supervisor.waitUntilAllEnded()
        } catch {
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
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Swift.CommandLine.arguments[0]
    }
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
