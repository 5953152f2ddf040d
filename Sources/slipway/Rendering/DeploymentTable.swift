import Foundation
import SlipwayCLIRendering
import SlipwayCLIRendering
import SlipwayRuntime
import SlipwayStore

/// The `deployments` table: ID, SERVICE, STATUS, SOURCE, CREATED, DURATION, REASON.
enum DeploymentTable {
    static let headers = ["ID", "SERVICE", "STATUS", "SOURCE", "CREATED", "DURATION", "REASON"]
    /// The reason is cut here; `deployments show ID` prints it whole.
    static let reasonWidth = 60

    static func lines(_ deployments: [Deployment]) -> [String] {
        TextTable.lines(headers: headers, rows: deployments.map(row))
    }

    static func row(_ deployment: Deployment) -> [String] {
        [
            String(deployment.id), deployment.service, deployment.status.rawValue, deployment.source.rawValue,
            LocalTimeText.dateTime(deployment.createdAt), duration(deployment), shortReason(deployment.reason ?? ""),
        ]
    }

    /// From the start to the end of the deploy; empty while it is still in progress.
    static func duration(_ deployment: Deployment) -> String {
        deployment.finishedAt.map { DurationText.compact($0.timeIntervalSince(deployment.createdAt)) } ?? ""
    }

    static func shortReason(_ reason: String) -> String {
        let line = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > reasonWidth ? line.prefix(reasonWidth - 1) + "…" : line
    }
}
