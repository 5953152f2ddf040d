import Foundation
import SlipwayStore

/// `manual-rollback`: a forced redeploy goes live, then `slipway rollback`
/// must put the old version back.
extension DrillRunner {
    func manualRollback(
        _ target: DrillTarget, load: RequestLoad, timeline: DrillTimeline, log: DeploymentLog
    ) async throws(DrillError) -> Outcome {
        timeline.note("deploy --force of the running definition")
        let entry = try await redeploy(target, timeline: timeline)
        guard entry?.outcome == .deployed, let id = entry?.deploymentID,
              try deployments(target.service, in: log).first(where: { $0.id == id })?.switchedAt != nil
        else {
            return Outcome(expectations: [DrillExpectation(
                name: "the new version went live", passed: false,
                detail: "the redeploy did not go live: \(entry?.reason ?? entry.map { "\($0.outcome)" } ?? "no answer")")])
        }
        var expectations = [DrillExpectation(name: "the new version went live", passed: true, detail: "deployment \(id) switched")]
        let fault = Date()
        timeline.note("rollback \(target.service)", at: fault)
        let answer: DeployReport.Entry?
        do {
            answer = try await client.rollback(RollbackRequest(service: target.service)) { timeline.note(Self.describe($0)) }.entries.first
        } catch {
            throw .control(error)
        }
        let restore = try answer?.deploymentID.flatMap { rid throws(DrillError) in
            try deployments(target.service, in: log).first { $0.id == rid }
        }
        let restored = restore?.switchedAt
        let rolledBack = answer?.outcome == .deployed && restore?.source == .rollback && restore?.rollbackOfID == id
            && restored != nil
        expectations.append(DrillExpectation(
            name: "rolled back on request", passed: rolledBack,
            detail: rolledBack
                ? "deployment \(restore?.id ?? 0) (rollback of \(id)) switched"
                : "the rollback answered \(answer.map { "\($0.outcome)" } ?? "nothing")\(answer.map { $0.reason.isEmpty ? "" : ": \($0.reason)" } ?? "")"))
        expectations.append(try await oldVersionServes(
            target, restore: rolledBack ? restore : nil, restored: rolledBack ? restored : nil, load: load, log: log))
        return Outcome(expectations: expectations, fault: fault, detected: nil, restored: rolledBack ? restored : nil)
    }
}
