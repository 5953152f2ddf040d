import Foundation
import SlipwayStore

/// `bad-release`: the running definition is redeployed with green's health
/// forced to fail by Slipway; the deploy must stop before the switch while
/// the old version keeps serving every request.
extension DrillRunner {
    /// The reason Slipway gives the forced failure, in the deployment's timeline and reason.
    static let forcedHealthFailure = "health forced to fail by `slipway drill bad-release`"

    func badRelease(_ target: DrillTarget, timeline: DrillTimeline, log: DeploymentLog) async throws(DrillError) -> Outcome {
        let fault = Date()
        timeline.note("deploy --force of the running definition, its health forced to fail", at: fault)
        let entry = try await redeploy(target, forcedHealthFailure: Self.forcedHealthFailure, timeline: timeline)
        let refused = Date()
        let deployment = try entry?.deploymentID.flatMap { id throws(DrillError) in try deployments(target.service, in: log).first { $0.id == id } }
        var expectations: [DrillExpectation] = []
        if let deployment, entry?.outcome == .failed, deployment.switchedAt == nil, deployment.status == .failed {
            timeline.note("deployment \(deployment.id) refused: \(deployment.reason ?? "")", at: refused)
            expectations.append(DrillExpectation(
                name: "never switched", passed: true,
                detail: "deployment \(deployment.id) failed before the switch: \(deployment.reason ?? "")"))
        } else {
            expectations.append(DrillExpectation(
                name: "never switched", passed: false,
                detail: deployment.map { "deployment \($0.id) is \($0.status.rawValue)\($0.switchedAt == nil ? "" : ", switched")" }
                    ?? "the deploy answered \(entry.map { "\($0.outcome)" } ?? "nothing") without a deployment"))
        }
        let serving = try Self.serving(target.service, in: log)
        let instance = try await servingInstance(target.service)
        let stillServes = serving?.id == target.serving.id && instance?.name == target.instance.name
        expectations.append(DrillExpectation(
            name: "the old version still serves", passed: stillServes,
            detail: stillServes
                ? "deployment \(target.serving.id) on \(target.instance.name)"
                : "deployment \(serving.map { String($0.id) } ?? "none") on \(instance?.name ?? "no instance") serves"))
        return Outcome(expectations: expectations, fault: fault, detected: entry?.outcome == .failed ? refused : nil, restored: nil)
    }
}
