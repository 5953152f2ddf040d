import Foundation

/// The columns the log selects for a `Deployment` or a `DeploymentEvent`, and their reading.
enum DeploymentRow {
    static let deploymentColumns = """
        id, service, sequence, status, source, snapshot, snapshot_hash, from_deployment_id, rollback_of_id,
        created_at, healthy_at, switched_at, finished_at, reason, exit_code
        """
    static let eventColumns = "id, deployment_id, at, kind, detail"

    static func deployment(_ row: SQLiteStatement, path: String) throws(DeploymentLogError) -> Deployment {
        let id = row.integer(0)
        let unreadable = { (reason: String) in
            DeploymentLogError.unreadableRow(path: path, table: "deployments", id: id, reason: reason)
        }
        guard let status = DeploymentStatus(rawValue: row.text(3)) else { throw unreadable("status \"\(row.text(3))\"") }
        guard let source = DeploymentSource(rawValue: row.text(4)) else { throw unreadable("source \"\(row.text(4))\"") }
        let dates = try [9, 10, 11, 12].map { (column: Int32) throws(DeploymentLogError) -> Date? in
            guard let text = row.optionalText(column) else { return nil }
            guard let date = StoredTimestamp.date(text) else { throw unreadable("timestamp \"\(text)\"") }
            return date
        }
        guard let createdAt = dates[0] else { throw unreadable("no created_at") }
        return Deployment(
            id: id, service: row.text(1), sequence: Int(row.integer(2)), status: status, source: source,
            snapshot: row.text(5), snapshotHash: row.text(6), fromDeploymentID: row.optionalInteger(7),
            rollbackOfID: row.optionalInteger(8), createdAt: createdAt, healthyAt: dates[1], switchedAt: dates[2],
            finishedAt: dates[3], reason: row.optionalText(13), exitCode: row.optionalInteger(14).map { Int32(truncatingIfNeeded: $0) })
    }

    static func event(_ row: SQLiteStatement, path: String) throws(DeploymentLogError) -> DeploymentEvent {
        let id = row.integer(0)
        guard let at = StoredTimestamp.date(row.text(2)) else {
            throw .unreadableRow(path: path, table: "deployment_events", id: id, reason: "timestamp \"\(row.text(2))\"")
        }
        return DeploymentEvent(
            id: id, deploymentID: row.integer(1), at: at, kind: DeploymentEventKind(rawValue: row.text(3)),
            detail: row.text(4))
    }
}
