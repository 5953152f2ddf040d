import ArgumentParser
import ComposeKit
import Foundation
import SlipwayStore
import SlipwayRuntime

/// `up -d [--wait]`: starts the supervisor in the background, returns once
/// its services are started, or (with `--wait`) once every one is healthy or
/// running and every one-shot dependency has completed. On a project that
/// already runs it reconciles, as docker compose does: changed services are
/// deployed, new ones started, removed ones reported (stopped with `--remove-orphans`).
struct DetachedUp {
    let project: Project
    let global: GlobalOptions
    let serviceNames: [String]
    let wait: Bool
    let timeout: Duration?
    /// `--format json`: the services and their addresses on stdout.
    var json = false
    let removeOrphans: Bool

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let state = StateDirectory.resolve(project: project.name, override: global.scope.stateDirectory, environment: environment)
        let endpoint = ControlEndpoint(project: project.name, stateDirectory: state)
        let client = ControlClient(endpoint: endpoint)
        let deadline = ContinuousClock.now + (timeout ?? .seconds(365 * 86400))
        if await client.supervisorIsRunning() {
            try await reconcile(client)
            if wait { try await waitUntilReady(client, state: state, deadline: deadline) }
            let snapshot = try await client.status()
            DetachedUpSummary(environment: environment).print(snapshot)
            if json { print(try UpReadyRecord(snapshot).json()) }
            return
        }
        _ = try UpCommand.shimExecutable()
        do { try state.prepare() } catch { throw Self.failure(.stateDirectory(error.description)) }
        let handoff: String
        do { handoff = try ProjectHandoff.write(project, in: state) } catch { throw Self.failure(.stateDirectory("\(error)")) }
        let supervisor: DetachedSupervisor
        do {
            supervisor = try DetachedSupervisor.launch(
                executable: UpCommand.ownExecutable(), arguments: supervisorArguments(state, handoff: handoff), state: state,
                environment: environment)
        } catch {
            throw UpFailure(message: "\(error)", exitCode: DetachedExitCode.supervisorLost)
        }
        guard let report = await supervisor.report(before: deadline) else {
            if ContinuousClock.now >= deadline { throw timedOut(waitingFor: await notReady(client), state: state) }
            throw UpFailure(
                message: "the supervisor ended before starting the services; see \(DetachedSupervisor.outputPath(state))",
                exitCode: DetachedExitCode.supervisorLost)
        }
        if let code = report.exitCode { throw UpFailure(message: report.message, exitCode: ExitCode(code)) }
        if wait { try await waitUntilReady(client, state: state, deadline: deadline) }
        let snapshot = try await client.status()
        DetachedUpSummary(environment: environment).print(snapshot)
        if json { print(try UpReadyRecord(snapshot).json()) }
    }

    /// The running supervisor deploys what changed in the files (source `up`).
    private func reconcile(_ client: ControlClient) async throws {
        let request = DeployRequest(
            services: serviceNames, source: .up, removeOrphans: removeOrphans,
            project: ProjectSource(options: global.loadOptions(requestedServices: serviceNames)))
        let printer = DeployProgressPrinter(environment: ProcessInfo.processInfo.environment)
        let report = try await client.deploy(request) { printer.print($0) }
        try printer.finish(report)
    }

    /// The arguments of the background supervisor: this `up`, resolved, in its hidden mode.
    private func supervisorArguments(_ state: StateDirectory, handoff: String) -> [String] {
        var arguments = [
            "up", UpCommand.supervisorFlag, "--loaded-project", handoff, "--state-dir", state.path, "-p", project.name,
        ]
        for file in global.files { arguments += ["-f", file] }
        for profile in global.scope.profiles { arguments += ["--profile", profile] }
        for file in global.scope.envFiles { arguments += ["--env-file", file] }
        if let directory = global.scope.projectDirectory { arguments += ["--project-directory", directory] }
        return arguments + ["--"] + serviceNames
    }

    private func waitUntilReady(_ client: ControlClient, state: StateDirectory, deadline: ContinuousClock.Instant) async throws {
        let outcome = try await ReadinessWait(client: client, rule: ReadinessRule(project: project))
            .run(timeout: max(deadline - .now, .zero))
        switch outcome {
        case .ready:
            return
        case .failed(let instance, let reason):
            let text = "service \(instance.service) \(reason)" + Self.lastLines(of: [instance.service], state: state)
            throw UpFailure(message: text, exitCode: DetachedExitCode.notReady)
        case .timedOut:
            throw timedOut(waitingFor: await notReady(client), state: state)
        }
    }

    /// The services not ready yet, as far as the supervisor can say (none
    /// when it does not answer yet).
    private func notReady(_ client: ControlClient) async -> [String] {
        guard let snapshot = try? await client.status(),
              case .waiting(let names) = ReadinessRule(project: project).verdict(snapshot)
        else { return [] }
        return snapshot.instances.filter { names.contains($0.name) }.map(\.service)
    }

    private func timedOut(waitingFor services: [String], state: StateDirectory) -> UpFailure {
        let seconds = timeout.map { "\($0.components.seconds)s" } ?? "the timeout"
        let waiting = services.isEmpty ? "the supervisor's bring-up" : services.joined(separator: ", ")
        return UpFailure(
            message: "not ready after \(seconds) (--wait-timeout): still waiting for \(waiting)"
                + Self.lastLines(of: services, state: state),
            exitCode: DetachedExitCode.waitTimedOut)
    }

    private static func lastLines(of services: [String], state: StateDirectory) -> String {
        services.map { service in
            let lines = LogReader.last(ServiceLog.keptLines, of: LogSource(service: service, path: state.logFile(service: service)))
            guard !lines.isEmpty else { return "\n\(service) wrote nothing" }
            return "\nlast lines of \(service):\n" + lines.map { "  \($0.text)" }.joined(separator: "\n")
        }.joined()
    }

    private static func failure(_ error: UpError) -> UpFailure {
        UpFailure(message: error.description, exitCode: ExitCode(error.exitCode))
    }
}

/// The codes `up -d` adds to `up`'s (docs/exit-codes.md).
enum DetachedExitCode {
    /// `--wait`: a service exited, was stopped or turned unhealthy.
    static let notReady = ExitCode(3)
    /// `--wait-timeout` passed before every service was ready.
    static let waitTimedOut = ExitCode(7)
    /// The background supervisor could not be started or ended without a word.
    static let supervisorLost = ExitCode(8)
}
