import Foundation
import Glibc
import SlipwayStore

/// `crash-after-switch`: a forced redeploy goes live, then Slipway sends its
/// new instance SIGKILL inside the monitor window; the automatic rollback
/// must bring the old version back.
extension DrillRunner {
    func crashAfterSwitch(
        _ target: DrillTarget, load: RequestLoad, timeline: DrillTimeline, log: DeploymentLog
    ) async throws(DrillError) -> Outcome {
        timeline.note("deploy --force of the running definition")
        let entry = try await redeploy(target, timeline: timeline)
        guard entry?.outcome == .deployed, let id = entry?.deploymentID,
              let deployed = try deployments(target.service, in: log).first(where: { $0.id == id }), deployed.switchedAt != nil
        else {
            return Outcome(expectations: [DrillExpectation(
                name: "the new version went live", passed: false,
                detail: "the redeploy did not go live: \(entry?.reason ?? entry.map { "\($0.outcome)" } ?? "no answer")")])
        }
        var expectations = [DrillExpectation(name: "the new version went live", passed: true, detail: "deployment \(id) switched")]
        let green = try await servingInstance(target.service)
        let fault = Date()
        timeline.note("SIGKILL to \(green?.name ?? target.service) (pid \(green?.pid.map(String.init) ?? "?"))", at: fault)
        do {
            _ = try await client.perform(.kill(services: [target.service], signal: SIGKILL))
        } catch {
            throw .control(error)
        }
        let budget = DeployPlan(service: target.definition).readyBudget + .seconds(30)
        var restore: Deployment?
        var restored: Date?
        let rolledBack = try await until(budget) { () throws(DrillError) -> Bool in
            let history = try deployments(target.service, in: log)
            restore = history.first { $0.source == .autoRollback && $0.rollbackOfID == id }
            restored = restore?.switchedAt
            return restored != nil && history.first { $0.id == id }?.status == .rolledBack
        }
        let detected = events(of: id, in: log).first { $0.detail.hasPrefix("after the switch") }?.at ?? restore?.createdAt
        if let detected { timeline.note("slipway: deployment \(id) seen failing", at: detected) }
        if let restore, let restored {
            timeline.note("slipway: deployment \(restore.id) (auto-rollback) took the traffic back", at: restored)
        }
        let after = try deployments(target.service, in: log).first { $0.id == id }
        expectations.append(DrillExpectation(
            name: "rolled back automatically", passed: rolledBack,
            detail: rolledBack
                ? "deployment \(id) rolled_back; deployment \(restore?.id ?? 0) (auto-rollback) restored deployment \(target.serving.id)'s definition"
                : "no automatic rollback within \(ProgressLine.format(budget)): deployment \(id) is \(after?.status.rawValue ?? "gone") "
                    + "(failure_action and the monitor window decide; docs/deploy.md)"))
        expectations.append(try await oldVersionServes(target, restore: restore, restored: restored, load: load, log: log))
        return Outcome(expectations: expectations, fault: fault, detected: detected, restored: restored)
    }
}
