import ComposeKit
import Foundation
import SlipwayStore

/// Runs a built-in drill against a live project (`up -d`) through its
/// control socket, under a steady request load through the service's
/// published port, and returns what it saw as a `DrillReport`, which it also
/// stores in the deployment log's `drills` table (docs/drills.md).
public struct DrillRunner: Sendable {
    public let client: ControlClient
    /// The compose options of the command line, sent with a redeploy as `slipway deploy` sends them.
    public let project: ProjectSource
    public let stateDirectory: StateDirectory
    public let requestsPerSecond: Int
    /// How long the load waits for an answer before it counts the request as failed.
    public let requestTimeout: Duration

    public init(
        client: ControlClient, project: ProjectSource, stateDirectory: StateDirectory, requestsPerSecond: Int,
        requestTimeout: Duration = .seconds(2)
    ) {
        self.client = client
        self.project = project
        self.stateDirectory = stateDirectory
        self.requestsPerSecond = requestsPerSecond
        self.requestTimeout = requestTimeout
    }

    /// The timeline's first word on the load: its rate, where it goes, and when a request counts
    /// as failed for want of an answer (`--request-timeout`).
    func loadLine(_ load: RequestLoad, target: DrillTarget) -> String {
        "load: \(load.rate) GET/s through \(target.host):\(target.port), a request unanswered after "
            + "\(ProgressLine.format(requestTimeout)) failed"
    }

    /// How long the load runs before the fault and after the scenario's
    /// end: a baseline, then proof that the service still answers.
    static let observation = Duration.seconds(1)

    /// What a scenario found: its expectations, when it injected its fault,
    /// when Slipway acted on it and when the previous version served again.
    struct Outcome {
        var expectations: [DrillExpectation]
        var fault: Date?
        var detected: Date?
        var restored: Date?
    }

    public func run(_ scenario: DrillScenario, service: String?) async throws(DrillError) -> DrillReport {
        let log = try openLog()
        let target = try await resolve(service, log: log)
        let timeline = DrillTimeline()
        timeline.note("drill \(scenario.rawValue) of \(target.service): deployment \(target.serving.id) serves on \(target.instance.name)")
        let load = RequestLoad(host: target.host, port: target.port, rate: requestsPerSecond, timeout: requestTimeout)
        timeline.note(loadLine(load, target: target))
        _ = await until(.seconds(10)) { load.current.lastSuccess != nil }
        try? await Task.sleep(for: Self.observation)
        let outcome: Outcome
        do {
            switch scenario {
            case .badRelease: outcome = try await badRelease(target, timeline: timeline, log: log)
            case .crashAfterSwitch: outcome = try await crashAfterSwitch(target, load: load, timeline: timeline, log: log)
            case .hang: outcome = try await hang(target, load: load, timeline: timeline, log: log)
            case .manualRollback: outcome = try await manualRollback(target, load: load, timeline: timeline, log: log)
            }
        } catch {
            _ = await load.stop()
            throw error
        }
        try? await Task.sleep(for: Self.observation)
        let figures = await load.stop()
        timeline.note("load stopped: \(figures.sent) sent, \(figures.failed) failed")
        var expectations = outcome.expectations
        if scenario == .badRelease {
            expectations.append(DrillExpectation(
                name: "no failed requests", passed: figures.failed == 0 && figures.sent > 0,
                detail: figures.sent == 0 ? "no request was sent" : "\(figures.failed) of \(figures.sent) requests failed"))
        }
        let fault = outcome.fault ?? timeline.began
        let report = DrillReport(
            scenario: scenario.rawValue, service: target.service, requestsPerSecond: load.rate, requestsSent: figures.sent,
            requestsFailed: figures.failed, timeToDetectMs: outcome.detected.map { DrillTimeline.milliseconds(from: fault, to: $0) },
            timeToRestoreMs: outcome.restored.map { DrillTimeline.milliseconds(from: fault, to: $0) },
            activeDeployment: try Self.serving(target.service, in: log)?.id, startedAt: timeline.began,
            finishedAt: Date(), expectations: expectations, timeline: timeline.all)
        return try store(report, in: log)
    }

    // MARK: - Parts the scenarios share

    /// The deployment serving `service`: the newest that switched and was
    /// not taken out (`active`, or `switching` inside its monitor window).
    static func serving(_ service: String, in log: DeploymentLog) throws(DrillError) -> Deployment? {
        do {
            let history = try log.deployments(service: service)
            return history.first { $0.status == .active || ($0.status == .switching && $0.switchedAt != nil) }
        } catch {
            throw .log(error)
        }
    }

    func deployments(_ service: String, in log: DeploymentLog) throws(DrillError) -> [Deployment] {
        do {
            return try log.deployments(service: service)
        } catch {
            throw .log(error)
        }
    }

    func events(of id: Int64, in log: DeploymentLog) -> [DeploymentEvent] {
        (try? log.events(of: id)) ?? []
    }

    /// The running definition redeployed with `--force`, its steps on the timeline.
    func redeploy(_ target: DrillTarget, forcedHealthFailure: String? = nil, timeline: DrillTimeline) async throws(DrillError) -> DeployReport.Entry? {
        let request = DeployRequest(
            services: [target.service], force: true, redeploysRunning: true, forcedHealthFailure: forcedHealthFailure,
            project: project)
        do {
            return try await client.deploy(request) { timeline.note(Self.describe($0)) }.entries.first
        } catch {
            throw .control(error)
        }
    }

    static func describe(_ progress: DeployProgress) -> String {
        ["slipway:", progress.instance, progress.step.rawValue, progress.detail].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The service's serving instance (the one `ps` shows with its published ports).
    func servingInstance(_ service: String) async throws(DrillError) -> InstanceStatus? {
        do {
            return try await client.status(services: [service]).instances.first { !$0.publishers.isEmpty && $0.state.isLive }
        } catch {
            throw .control(error)
        }
    }

    /// Waits, looking every 20 ms, until `condition` holds; false at the deadline.
    func until(_ deadline: Duration, _ condition: () async throws(DrillError) -> Bool) async throws(DrillError) -> Bool {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    func until(_ deadline: Duration, _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// The old version serving again: `restore` took the traffic, runs the
    /// definition that served before the drill, and answers requests.
    func oldVersionServes(
        _ target: DrillTarget, restore: Deployment?, restored: Date?, load: RequestLoad, log: DeploymentLog
    ) async throws(DrillError) -> DrillExpectation {
        let name = "the old version serves again"
        guard let restore, let restored else { return DrillExpectation(name: name, passed: false, detail: "nothing restored it") }
        let answered = await until(.seconds(10)) { load.succeeded(after: restored) }
        let serving = try Self.serving(target.service, in: log)
        guard serving?.id == restore.id else {
            return DrillExpectation(
                name: name, passed: false, detail: "deployment \(serving.map { String($0.id) } ?? "none") serves, not \(restore.id)")
        }
        guard restore.snapshotHash == target.serving.snapshotHash else {
            return DrillExpectation(
                name: name, passed: false,
                detail: "deployment \(restore.id) runs \(restore.snapshotHash.prefix(19)), not deployment \(target.serving.id)'s \(target.serving.snapshotHash.prefix(19))")
        }
        guard answered else {
            return DrillExpectation(name: name, passed: false, detail: "deployment \(restore.id) serves, but no request succeeded after the restore")
        }
        return DrillExpectation(
            name: name, passed: true,
            detail: "deployment \(restore.id) (\(restore.source.rawValue)) serves deployment \(target.serving.id)'s definition and answers")
    }

    // MARK: - Before and after

    func openLog() throws(DrillError) -> DeploymentLog {
        do {
            return try DeploymentLog.openExisting(path: stateDirectory.deploymentLogPath)
        } catch {
            throw .log(error)
        }
    }

    /// The named service, or the first running one with a published port.
    func resolve(_ service: String?, log: DeploymentLog) async throws(DrillError) -> DrillTarget {
        let snapshot: StatusSnapshot
        do {
            snapshot = try await client.status(services: service.map { [$0] } ?? [])
        } catch {
            throw .control(error)
        }
        let candidates = snapshot.instances
            .filter { $0.state.isLive && $0.publishers.contains { $0.publishedPort != 0 } }
            .sorted { $0.service < $1.service }
        guard let instance = candidates.first(where: { service == nil || $0.service == service }) else {
            if let service { throw .noPublishedPort(service: service) }
            throw .nothingToDrill(project: snapshot.project)
        }
        guard let publisher = instance.publishers.first(where: { $0.publishedPort != 0 }) else {
            throw .noPublishedPort(service: instance.service)
        }
        // The log records a first start as active a moment after the instance is ready.
        var found: Deployment?
        _ = try await until(.seconds(30)) { () throws(DrillError) -> Bool in
            found = try Self.serving(instance.service, in: log)
            return found != nil
        }
        guard let serving = found else { throw .noServingDeployment(service: instance.service) }
        let definition: Service
        do {
            definition = try SnapshotDefinition.service(instance.service, project: snapshot.project, snapshot: serving.snapshot)
        } catch {
            throw .unreadableSnapshot(deployment: serving.id, reason: error.description)
        }
        // A proxy listening on every address is reached on loopback.
        let host = ["0.0.0.0", "", "::"].contains(publisher.url) ? "127.0.0.1" : publisher.url
        return DrillTarget(
            service: instance.service, host: host, port: publisher.publishedPort, instance: instance, serving: serving,
            definition: definition)
    }

    func store(_ report: DrillReport, in log: DeploymentLog) throws(DrillError) -> DrillReport {
        var stored = report
        do {
            try log.recordDrill(
                scenario: report.scenario, service: report.service, passed: report.passed, startedAt: report.startedAt,
                finishedAt: report.finishedAt
            ) { id in
                stored.id = id
                return (try? stored.json()) ?? "{}"
            }
        } catch {
            throw .log(error)
        }
        return stored
    }
}
