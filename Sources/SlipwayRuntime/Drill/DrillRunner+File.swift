import Foundation
import SlipwayStore
import SlipwayShim

/// A drill file's steps (`slipway drill FILE.yaml`), run against the live project under the same
/// load as the built-in scenarios, each `expect` graded when it is reached.
extension DrillRunner {
    public func run(_ file: DrillFile, service: String?) async throws(DrillError) -> DrillReport {
        let log = try openLog()
        let target = try await resolve(service ?? file.service, log: log)
        let timeline = DrillTimeline()
        timeline.note("drill \(file.path) of \(target.service): deployment \(target.serving.id) serves on \(target.instance.name)")
        let load = RequestLoad(host: target.host, port: target.port, rate: requestsPerSecond, timeout: requestTimeout)
        timeline.note(loadLine(load, target: target))
        _ = await until(.seconds(10)) { load.current.lastSuccess != nil }
        try? await Task.sleep(for: Self.observation)
        var run = FileDrillRun(file: file, target: target, timeline: timeline, load: load, log: log)
        do {
            for step in file.steps { try await perform(step, in: &run) }
        } catch {
            await undo(run)
            _ = await load.stop()
            throw error
        }
        await undo(run)
        try? await Task.sleep(for: Self.observation)
        let figures = await load.stop()
        timeline.note("load stopped: \(figures.sent) sent, \(figures.failed) failed")
        let (fault, detected, restored) = try moments(of: run)
        let report = DrillReport(
            scenario: file.name, service: target.service, requestsPerSecond: load.rate, requestsSent: figures.sent,
            requestsFailed: figures.failed, timeToDetectMs: detected.map { DrillTimeline.milliseconds(from: fault, to: $0) },
            timeToRestoreMs: restored.map { DrillTimeline.milliseconds(from: fault, to: $0) },
            activeDeployment: try Self.serving(target.service, in: log)?.id, startedAt: timeline.began,
            finishedAt: Date(), expectations: run.expectations, timeline: timeline.all)
        return try store(report, in: log)
    }

    private func perform(_ step: DrillStep, in run: inout FileDrillRun) async throws(DrillError) {
        let own = run.target.service
        let timeline = run.timeline
        let place = "\(run.file.path):\(step.line)"
        switch step.action {
        case .deploy(let service, let environment, let command, let failHealth, let force):
            run.disturbs()
            let name = service ?? own
            timeline.note("\(place): deploy \(name)\(failHealth ? " with its health forced to fail" : "")")
            let request = DeployRequest(
                services: [name], force: force, environment: environment, redeploysRunning: true,
                forcedHealthFailure: failHealth ? "forced to fail by \(place)" : nil, command: command, project: project)
            let entry: DeployReport.Entry?
            do {
                entry = try await client.deploy(request) { timeline.note(Self.describe($0)) }.entries.first
            } catch {
                throw .control(error)
            }
            if let id = entry?.deploymentID {
                run.deployments.append(id)
                if name == own { run.lastDeployment = id }
            }
            timeline.note("\(place): deploy answered \(entry.map { "\($0.outcome)" } ?? "nothing")\(entry.map { $0.reason.isEmpty ? "" : ": \($0.reason)" } ?? "")")
        case .kill(let service, let signal):
            run.disturbs()
            timeline.note("\(place): \(SignalName.name(signal)) to \(service ?? own)")
            try await perform(.kill(services: [service ?? own], signal: signal))
        case .pause(let service):
            run.disturbs()
            timeline.note("\(place): pause \(service ?? own)")
            try await perform(.pause(services: [service ?? own]))
            run.paused.insert(service ?? own)
        case .unpause(let service):
            timeline.note("\(place): unpause \(service ?? own)")
            try await perform(.unpause(services: [service ?? own]))
            run.paused.remove(service ?? own)
        case .fault(let service, let latency, let rate, let reset):
            run.disturbs()
            let request = FaultRequest(service: service ?? own, latencyMilliseconds: latency, errorRate: rate, reset: reset)
            do {
                let report = try await client.fault(request)
                timeline.note("\(place): fault \(report.service): "
                    + (report.isNone ? "none" : "latency \(report.latencyMilliseconds)ms, error rate \(report.errorRate)"))
                if report.isNone { run.faulted.remove(report.service) } else { run.faulted.insert(report.service) }
            } catch {
                throw .control(error)
            }
        case .wait(let duration):
            timeline.note("\(place): wait \(ProgressLine.format(duration))")
            try? await Task.sleep(for: duration)
        case .waitUntil(let condition, let timeout):
            timeline.note("\(place): wait until \(condition.rawValue) (at most \(ProgressLine.format(timeout)))")
            let snapshot = run
            let held = try await until(timeout) { () throws(DrillError) -> Bool in try await holds(condition, in: snapshot) }
            timeline.note("\(place): \(held ? "" : "not ")\(condition.rawValue)\(held ? "" : " within \(ProgressLine.format(timeout))")")
            if !held {
                run.expectations.append(DrillExpectation(
                    name: "\(place) wait until: \(condition.rawValue)", passed: false,
                    detail: "not \(condition.rawValue) within \(ProgressLine.format(timeout))"))
            }
        case .rollback(let service):
            run.disturbs()
            let name = service ?? own
            timeline.note("\(place): rollback \(name)")
            let answer: DeployReport.Entry?
            do {
                answer = try await client.rollback(RollbackRequest(service: name)) { timeline.note(Self.describe($0)) }.entries.first
            } catch {
                throw .control(error)
            }
            if let id = answer?.deploymentID { run.deployments.append(id) }
        case .expect(let check, let text):
            let expectation = try await grade(check, in: run)
            run.expectations.append(DrillExpectation(name: "\(place) \(text)", passed: expectation.passed, detail: expectation.detail))
            timeline.note("\(place): expect \(text): \(expectation.passed ? "held" : "failed") (\(expectation.detail))")
        }
    }

    private func perform(_ request: ControlRequest) async throws(DrillError) {
        do {
            _ = try await client.perform(request)
        } catch {
            throw .control(error)
        }
    }

    /// What the drill left behind is put back, however it ended: paused services continued,
    /// injected faults cleared.
    private func undo(_ run: FileDrillRun) async {
        for service in run.paused.sorted() {
            run.timeline.note("unpause \(service), which the drill left paused")
            _ = try? await client.perform(.unpause(services: [service]))
        }
        for service in run.faulted.sorted() {
            run.timeline.note("fault --reset of \(service), which the drill left faulted")
            _ = try? await client.fault(FaultRequest(service: service, reset: true))
        }
    }

    private func holds(_ condition: DrillCondition, in run: FileDrillRun) async throws(DrillError) -> Bool {
        let service = run.target.service
        switch condition {
        case .healthy:
            return try await servingInstance(service)?.health == .healthy
        case .switched, .failed, .rolledBack:
            guard let id = run.lastDeployment, let deployment = try deployments(service, in: run.log).first(where: { $0.id == id }) else {
                return false
            }
            switch condition {
            case .switched: return deployment.switchedAt != nil
            case .failed: return deployment.status == .failed
            default: return deployment.status == .rolledBack
            }
        case .restored:
            guard let serving = try Self.serving(service, in: run.log) else { return false }
            return runsPrevious(serving, in: run)
        }
    }

    /// The deployment runs the definition that served before the drill, and no `deploy` step made it.
    private func runsPrevious(_ deployment: Deployment, in run: FileDrillRun) -> Bool {
        deployment.snapshotHash == run.target.serving.snapshotHash && (run.lastDeployment != deployment.id)
            && !(deployment.source == .deploy && run.deployments.contains(deployment.id))
    }

    private func grade(_ check: DrillCheck, in run: FileDrillRun) async throws(DrillError) -> (passed: Bool, detail: String) {
        let service = run.target.service
        switch check {
        case .status(let expected):
            guard let id = run.lastDeployment, let deployment = try deployments(service, in: run.log).first(where: { $0.id == id }) else {
                return (false, "no deploy step of \(service) ran before this line")
            }
            return (deployment.status == expected, "deployment \(id) is \(deployment.status.rawValue)")
        case .failedRequests(let most):
            let figures = run.load.current
            return (figures.failed <= most, "\(figures.failed) of \(figures.sent) requests failed")
        case .active(let drill), .serving(let drill):
            guard let serving = try Self.serving(service, in: run.log) else { return (false, "no deployment of \(service) serves") }
            let matches = drill ? serving.id == run.lastDeployment : runsPrevious(serving, in: run)
            let what = drill
                ? "the drill's deployment \(run.lastDeployment.map(String.init) ?? "(none)")"
                : "deployment \(run.target.serving.id)'s definition"
            guard matches else {
                return (false, "deployment \(serving.id) (\(serving.source.rawValue)) serves, not \(what)")
            }
            guard case .serving = check else { return (true, "deployment \(serving.id) (\(serving.source.rawValue)) serves \(what)") }
            let since = serving.switchedAt ?? run.timeline.began
            let answered = await until(.seconds(10)) { run.load.succeeded(after: since) }
            return (answered, answered
                ? "deployment \(serving.id) serves \(what) and answers"
                : "deployment \(serving.id) serves \(what), but no request succeeded since it took the traffic")
        }
    }

    /// The drill's last incident: when Slipway last acted on a fault (a deploy refused, a failure
    /// seen after the switch, an automatic rollback begun), when the pre-drill definition last took
    /// the traffic back, and the step that disturbed the service last before either, which both count from.
    private func moments(of run: FileDrillRun) throws(DrillError) -> (fault: Date, detected: Date?, restored: Date?) {
        guard let first = run.disturbances.first else { return (run.timeline.began, nil, nil) }
        let history = try deployments(run.target.service, in: run.log).filter { $0.createdAt >= run.timeline.began }
        var detected: [Date] = []
        for deployment in history where run.deployments.contains(deployment.id) && deployment.source == .deploy {
            if deployment.status == .failed, deployment.switchedAt == nil, let finished = deployment.finishedAt { detected.append(finished) }
            if let seen = events(of: deployment.id, in: run.log).first(where: { $0.detail.hasPrefix("after the switch") })?.at {
                detected.append(seen)
            }
        }
        detected += history.filter { $0.source == .autoRollback }.map(\.createdAt)
        let lastDetected = detected.filter { $0 >= first }.max()
        let restores = history.filter { ($0.source == .autoRollback || $0.source == .rollback) && runsPrevious($0, in: run) }
            .compactMap(\.switchedAt)
        guard let anchor = lastDetected ?? restores.filter({ $0 >= first }).max() else { return (first, nil, nil) }
        let fault = run.disturbances.last { $0 <= anchor } ?? first
        return (fault, lastDetected, restores.filter { $0 >= fault }.min())
    }
}

/// What a drill file's run has done so far.
struct FileDrillRun: Sendable {
    let file: DrillFile
    let target: DrillTarget
    let timeline: DrillTimeline
    let load: RequestLoad
    let log: DeploymentLog
    /// When each step that disturbed the service ran (deploy, kill, pause, fault, rollback).
    var disturbances: [Date] = []
    /// Every deployment the drill's `deploy` and `rollback` steps made, of any service.
    var deployments: [Int64] = []
    /// The last deployment a `deploy` step made of the drill's own service.
    var lastDeployment: Int64?
    var paused: Set<String> = []
    var faulted: Set<String> = []
    var expectations: [DrillExpectation] = []

    init(file: DrillFile, target: DrillTarget, timeline: DrillTimeline, load: RequestLoad, log: DeploymentLog) {
        self.file = file
        self.target = target
        self.timeline = timeline
        self.load = load
        self.log = log
    }

    mutating func disturbs() {
        disturbances.append(Date())
    }
}
