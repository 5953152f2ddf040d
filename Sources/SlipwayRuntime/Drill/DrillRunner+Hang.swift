import ComposeKit
import Foundation
import SlipwayStore

/// `hang`: the serving instance is frozen with SIGSTOP (`slipway pause`).
/// Its health check must see it, and its policy must act: a restart
/// (`x-slipway.restart_on_unhealthy`) or, inside a deploy's monitor window,
/// a rollback. The instance is continued (SIGCONT) however the drill ends.
extension DrillRunner {
    func hang(_ target: DrillTarget, load: RequestLoad, timeline: DrillTimeline, log: DeploymentLog) async throws(DrillError) -> Outcome {
        let detectedName = "detected as unhealthy"
        let recoveredName = "restarted or rolled back per policy"
        let definition = target.definition
        guard definition.slipway.healthPath != nil || definition.healthcheck?.isActive == true else {
            let why = "\(target.service) has no health check (`healthcheck` or `x-slipway.health_path`): "
                + "Slipway cannot tell a frozen process from a slow one; add one to rehearse a hang"
            timeline.note("not frozen: \(why)")
            return Outcome(expectations: [
                DrillExpectation(name: detectedName, passed: false, detail: why),
                DrillExpectation(name: recoveredName, passed: false, detail: "not rehearsed: nothing can detect the hang"),
            ])
        }
        let inWindow = target.serving.status == .switching
        let policy = inWindow
            ? "a rollback (deployment \(target.serving.id) is inside its monitor window)"
            : definition.slipway.restartOnUnhealthy ? "a restart (x-slipway.restart_on_unhealthy)" : nil
        let fault = Date()
        timeline.note("SIGSTOP to \(target.instance.name) (pause)", at: fault)
        do {
            _ = try await client.perform(.pause(services: [target.service]))
        } catch {
            throw .control(error)
        }
        let outcome: Outcome
        do {
            outcome = try await watchHang(target, policy: policy, fault: fault, load: load, timeline: timeline, log: log)
        } catch {
            await resume(target, timeline: timeline)
            throw error
        }
        await resume(target, timeline: timeline)
        return outcome
    }

    private func watchHang(
        _ target: DrillTarget, policy: String?, fault: Date, load: RequestLoad, timeline: DrillTimeline, log: DeploymentLog
    ) async throws(DrillError) -> Outcome {
        let budget = DeployPlan(service: target.definition).readyBudget + .seconds(30)
        var detected: Date?
        var acted = false
        let seen = try await until(budget) { () throws(DrillError) -> Bool in
            let state = try await hangState(target, log: log)
            if state.unhealthy, detected == nil { detected = Date() }
            if state.restarted || state.rolledBack {
                detected = detected ?? Date()
                acted = true
            }
            return detected != nil
        }
        if let detected { timeline.note("slipway: \(target.instance.name) seen unhealthy", at: detected) }
        var expectations = [DrillExpectation(
            name: "detected as unhealthy", passed: seen,
            detail: seen
                ? "after \(DrillTimeline.milliseconds(from: fault, to: detected ?? fault)) ms"
                : "still not unhealthy after \(ProgressLine.format(budget))")]
        guard let policy else {
            expectations.append(DrillExpectation(
                name: "restarted or rolled back per policy", passed: false,
                detail: "no policy acts on an unhealthy instance outside a deploy's monitor window; "
                    + "set `x-slipway.restart_on_unhealthy: true` to restart it"))
            return Outcome(expectations: expectations, fault: fault, detected: detected)
        }
        var restored: Date?
        var recovered = false
        var action = ""
        if seen {
            recovered = try await until(budget) { () throws(DrillError) -> Bool in
                let state = try await hangState(target, log: log)
                if state.rolledBack {
                    action = "rolled back (auto-rollback)"
                } else if state.restarted {
                    action = "restarted (x-slipway.restart_on_unhealthy)"
                }
                acted = acted || state.restarted || state.rolledBack
                guard acted, state.servesHealthy else { return false }
                restored = Date()
                return true
            }
        }
        if let restored { timeline.note("slipway: \(target.service) \(action); a healthy instance serves again", at: restored) }
        expectations.append(DrillExpectation(
            name: "restarted or rolled back per policy", passed: recovered,
            detail: recovered
                ? "\(action); a healthy instance serves"
                : "expected \(policy); nothing brought \(target.service) back within \(ProgressLine.format(budget))"))
        if let restored {
            let answered = await until(.seconds(10)) { load.succeeded(after: restored) }
            expectations.append(DrillExpectation(
                name: "requests succeed again", passed: answered,
                detail: answered ? "a request succeeded after the restore" : "no request succeeded within 10s of the restore"))
        }
        return Outcome(expectations: expectations, fault: fault, detected: detected, restored: restored)
    }

    private struct HangState {
        var unhealthy = false
        var restarted = false
        var rolledBack = false
        var servesHealthy = false
    }

    private func hangState(_ target: DrillTarget, log: DeploymentLog) async throws(DrillError) -> HangState {
        let instances: [InstanceStatus]
        do {
            instances = try await client.status(services: [target.service]).instances
        } catch {
            throw .control(error)
        }
        var state = HangState()
        let frozen = instances.first { $0.name == target.instance.name }
        state.unhealthy = frozen?.health == .unhealthy
        state.restarted = (frozen?.restartCount ?? 0) > target.instance.restartCount
        state.rolledBack = try deployments(target.service, in: log).contains {
            $0.id > target.serving.id && $0.source == .autoRollback && $0.switchedAt != nil
        }
        let serving = instances.first { !$0.publishers.isEmpty }
        state.servesHealthy = serving?.state == .running && serving?.health == .healthy
        return state
    }

    /// SIGCONT, when the instance is still frozen (a restart has continued it already).
    private func resume(_ target: DrillTarget, timeline: DrillTimeline) async {
        let instances = (try? await client.status(services: [target.service]).instances) ?? []
        guard instances.contains(where: { $0.state == .paused }) else { return }
        _ = try? await client.perform(.unpause(services: [target.service]))
        timeline.note("SIGCONT to \(target.service) (unpause)")
    }
}
