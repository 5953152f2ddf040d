import Foundation

/// `slipway drill` runs, kept beside the deployments they exercised.
extension DeploymentLog {
    /// Stores a finished drill with its report, which `report` writes given
    /// the row's ID (so the stored report names itself); returns the row.
    @discardableResult
    public func recordDrill(
        scenario: String, service: String, passed: Bool, startedAt: Date, finishedAt: Date, report: (Int64) -> String
    ) throws(DeploymentLogError) -> DrillRecord {
        try access("recording a drill of \(service)") { database in
            try database.writeTransaction {
                try database.run(
                    "INSERT INTO drills (scenario, service, passed, started_at, finished_at, report) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        .text(scenario), .text(service), .integer(passed ? 1 : 0),
                        .text(StoredTimestamp.text(StoredTimestamp.rounded(startedAt))),
                        .text(StoredTimestamp.text(StoredTimestamp.rounded(finishedAt))), .text(""),
                    ])
                let id = database.lastInsertedRowID
                let text = report(id)
                try database.run("UPDATE drills SET report = ? WHERE id = ?", [.text(text), .integer(id)])
                return DrillRecord(
                    id: id, scenario: scenario, service: service, passed: passed,
                    startedAt: StoredTimestamp.rounded(startedAt), finishedAt: StoredTimestamp.rounded(finishedAt), report: text)
            }
        }
    }

    /// Newest first; every service when `service` is nil.
    public func drills(service: String? = nil) throws(DeploymentLogError) -> [DrillRecord] {
        let filter = service == nil ? "" : "WHERE service = ?"
        return try access("listing drills") { database in
            try database.rows(
                "SELECT id, scenario, service, passed, started_at, finished_at, report FROM drills \(filter) ORDER BY id DESC",
                service.map { [.text($0)] } ?? []
            ) { row in
                let id = row.integer(0)
                guard let started = StoredTimestamp.date(row.text(4)), let finished = StoredTimestamp.date(row.text(5)) else {
                    throw DeploymentLogError.unreadableRow(path: self.path, table: "drills", id: id, reason: "timestamp")
                }
                return DrillRecord(
                    id: id, scenario: row.text(1), service: row.text(2), passed: row.integer(3) != 0, startedAt: started,
                    finishedAt: finished, report: row.text(6))
            }
        }
    }
}
