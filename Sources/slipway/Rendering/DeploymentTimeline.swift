import Foundation
import SlipwayCLIRendering
import SlipwayCLIRendering
import SlipwayRuntime
import SlipwayStore

/// `deployments show ID`: the deployment's facts, then one line per event
/// with the time since the deployment began.
enum DeploymentTimeline {
    static func lines(_ deployment: Deployment, events: [DeploymentEvent]) -> [String] {
        facts(deployment) + [""] + TextTable.lines(
            headers: ["TIME", "ELAPSED", "KIND", "DETAIL"],
            rows: events.map { event in
                [
                    LocalTimeText.timeWithMilliseconds(event.at),
                    "+" + DurationText.compact(event.at.timeIntervalSince(deployment.createdAt)), event.kind.rawValue,
                    event.detail.split(whereSeparator: \.isNewline).joined(separator: " | "),
                ]
            })
    }

    private static func facts(_ deployment: Deployment) -> [String] {
        let since = { (date: Date) in
            LocalTimeText.dateTime(date) + " (+" + DurationText.compact(date.timeIntervalSince(deployment.createdAt)) + ")"
        }
        let rows: [(String, String?)] = [
            ("Deployment", "\(deployment.id)"),
            ("Service", "\(deployment.service) (deployment \(deployment.sequence) of the service)"),
            ("Status", deployment.status.rawValue),
            ("Source", deployment.source.rawValue),
            ("From", deployment.fromDeploymentID.map { "deployment \($0)" }),
            ("Rollback of", deployment.rollbackOfID.map { "deployment \($0)" }),
            ("Created", LocalTimeText.dateTime(deployment.createdAt)),
            ("Healthy", deployment.healthyAt.map(since)),
            ("Switched", deployment.switchedAt.map(since)),
            ("Finished", deployment.finishedAt.map(since)),
            ("Reason", deployment.reason),
            ("Exit code", deployment.exitCode.map(String.init)),
            ("Snapshot", deployment.snapshotHash),
        ]
        let shown = rows.compactMap { label, value in value.map { (label, $0) } }
        let width = shown.map(\.0.count).max() ?? 0
        return shown.map { label, value in label.padding(toLength: width, withPad: " ", startingAt: 0) + "   " + value }
    }
}
