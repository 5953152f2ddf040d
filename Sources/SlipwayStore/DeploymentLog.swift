import Foundation
import Synchronization

/// A project's deployment history: one SQLite file (the runtime keeps it at
/// `<state dir>/deployments.sqlite`) with a row per deployment and a row per
/// step of its timeline (docs/deployments.md has the schema).
///
/// Every call is synchronous and short (one small transaction); calls from
/// several tasks take turns on the one connection. Other processes may open
/// the same file at once: readers never wait (WAL), a writer waits up to
/// `DeploymentLogFile.busyTimeoutMilliseconds` for another's lock.
public final class DeploymentLog: Sendable {
    /// The file's name in the project's state directory.
    public static let fileName = "deployments.sqlite"
    /// The schema version this Slipway writes (`PRAGMA user_version`).
    public static var schemaVersion: Int { SchemaMigrations.latest }

    public let path: String
    private let connection: Mutex<SQLiteConnection>
    private let clock: @Sendable () -> Date

    /// Opens the log at `path`, creating it (mode 0600) when there is none
    /// and upgrading an older schema in place. `clock` stamps every row.
    public convenience init(path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws(DeploymentLogError) {
        self.init(path: path, connection: try DeploymentLogFile.open(path: path, create: true), clock: clock)
    }

    /// Opens the log only if the file exists (`DeploymentLogError.missing`
    /// otherwise): for readers, which must not leave an empty history behind.
    public static func openExisting(
        path: String, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(DeploymentLogError) -> DeploymentLog {
        DeploymentLog(path: path, connection: try DeploymentLogFile.open(path: path, create: false), clock: clock)
    }

    private init(path: String, connection: consuming sending SQLiteConnection, clock: @escaping @Sendable () -> Date) {
        self.path = path
        self.connection = Mutex(connection)
        self.clock = clock
    }

    // MARK: Writing

    /// Records a new deployment of `service` as `pending`, with the next
    /// sequence number of that service and a first event.
    public func begin(
        service: String, source: DeploymentSource, snapshot: String, snapshotHash: String,
        from fromDeploymentID: Int64? = nil, rollbackOf rollbackOfID: Int64? = nil
    ) throws(DeploymentLogError) -> Deployment {
        try access("recording a deployment of \(service)") { database in
            let now = self.now()
            return try database.writeTransaction {
                for reference in [fromDeploymentID, rollbackOfID].compactMap({ $0 }) {
                    _ = try self.existing(reference, in: database)
                }
                let sequence = try database.rows(
                    "SELECT COALESCE(MAX(sequence), 0) + 1 FROM deployments WHERE service = ?", [.text(service)]
                ) { $0.integer(0) }[0]
                try database.run(
                    """
                    INSERT INTO deployments (service, sequence, status, source, snapshot, snapshot_hash,
                        from_deployment_id, rollback_of_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(service), .integer(sequence), .text(DeploymentStatus.pending.rawValue), .text(source.rawValue),
                        .text(snapshot), .text(snapshotHash), .optional(fromDeploymentID), .optional(rollbackOfID),
                        .text(StoredTimestamp.text(now)),
                    ])
                let id = database.lastInsertedRowID
                _ = try self.insertEvent(.status, detail: "-> pending (\(source.rawValue))", for: id, at: now, in: database)
                return try self.existing(id, in: database)
            }
        }
    }

    /// Moves a deployment to `status` and records the move as a `status`
    /// event, in one transaction. Refuses a move `DeploymentStatus.next`
    /// does not allow. `reason` and `exitCode` are kept when given; the first
    /// move to `active` or a final status stamps `finished_at`.
    @discardableResult
    public func transition(
        _ id: Int64, to status: DeploymentStatus, reason: String? = nil, exitCode: Int32? = nil
    ) throws(DeploymentLogError) -> Deployment {
        try access("moving deployment \(id) to \(status.rawValue)") { database in
            let now = self.now()
            return try database.writeTransaction {
                try self.move(id, to: status, reason: reason, exitCode: exitCode, at: now, in: database)
            }
        }
    }

    /// Makes `id` the service's live version: moves it to `active` and, in
    /// the same transaction, every other `active` deployment of its service
    /// out: to `rolled_back` ("rolled back by deployment N") for the one a
    /// rollback undoes, to `superseded` ("deployment N is live") for any
    /// other. The log thus never shows two live versions of a service, nor
    /// none after a crash between the moves. Returns the new active
    /// deployment and the ones it replaced.
    @discardableResult
    public func activate(_ id: Int64) throws(DeploymentLogError) -> (active: Deployment, replaced: [Deployment]) {
        let outcome = try access("activating deployment \(id)") { database in
            let now = self.now()
            return try database.writeTransaction { () throws -> ActivationOutcome in
                let incoming = try self.existing(id, in: database)
                let previous = try database.rows(
                    "SELECT id FROM deployments WHERE service = ? AND status = 'active' AND id != ? ORDER BY id",
                    [.text(incoming.service), .integer(id)]
                ) { $0.integer(0) }
                let active = try self.move(id, to: .active, reason: nil, exitCode: nil, at: now, in: database)
                let replaced = try previous.map { previousID in
                    previousID == incoming.rollbackOfID
                        ? try self.move(
                            previousID, to: .rolledBack, reason: "rolled back by deployment \(id)", exitCode: nil, at: now,
                            in: database)
                        : try self.move(
                            previousID, to: .superseded, reason: "deployment \(id) is live", exitCode: nil, at: now,
                            in: database)
                }
                return ActivationOutcome(active: active, replaced: replaced)
            }
        }
        return (outcome.active, outcome.replaced)
    }

    /// Adds a step to a deployment's timeline (a health result, the release
    /// command's outcome, drain progress …).
    @discardableResult
    public func record(_ kind: DeploymentEventKind, detail: String, for id: Int64) throws(DeploymentLogError) -> DeploymentEvent {
        try access("recording a \(kind) event of deployment \(id)") { database in
            let now = self.now()
            return try database.writeTransaction {
                _ = try self.existing(id, in: database)
                return try self.insertEvent(kind, detail: detail, for: id, at: now, in: database)
            }
        }
    }

    /// Stamps `healthy_at` (the first time only) and records a `health` event.
    @discardableResult
    public func recordHealthy(_ id: Int64, detail: String = "healthy") throws(DeploymentLogError) -> Deployment {
        try stamp("healthy_at", kind: .health, detail: detail, for: id)
    }

    /// Stamps `switched_at` (the first time only) and records a `proxy_switch` event.
    @discardableResult
    public func recordSwitch(_ id: Int64, detail: String) throws(DeploymentLogError) -> Deployment {
        try stamp("switched_at", kind: .proxySwitch, detail: detail, for: id)
    }

    /// Startup recovery: every deployment still in progress (pending,
    /// starting, releasing, switching) was cut short by the end of the
    /// supervisor that ran it; each becomes `interrupted` with `reason` and an
    /// event. Returns them as they are now. `active` ones are left: they
    /// stay the record of the version last live.
    @discardableResult
    public func markUnfinishedInterrupted(
        reason: String = "the supervisor ended while this deployment was in progress"
    ) throws(DeploymentLogError) -> [Deployment] {
        let inProgress = DeploymentStatus.allCases.filter(\.isInProgress).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let ids = try access("finding unfinished deployments") { database in
            try database.rows("SELECT id FROM deployments WHERE status IN (\(inProgress)) ORDER BY id") { $0.integer(0) }
        }
        var interrupted: [Deployment] = []
        for id in ids {
            interrupted.append(try transition(id, to: .interrupted, reason: reason))
        }
        return interrupted
    }

    // MARK: Reading

    /// Newest first; all services when `service` is nil.
    public func deployments(service: String? = nil, limit: Int? = nil) throws(DeploymentLogError) -> [Deployment] {
        let filter = service == nil ? "" : "WHERE service = ?"
        let values: [SQLiteValue] = (service.map { [.text($0)] } ?? []) + [.integer(Int64(limit ?? -1))]
        return try select("listing deployments", "\(filter) ORDER BY id DESC LIMIT ?", values)
    }

    public func deployment(id: Int64) throws(DeploymentLogError) -> Deployment? {
        try select("reading deployment \(id)", "WHERE id = ?", [.integer(id)]).first
    }

    /// The deployment's timeline, oldest first.
    public func events(of id: Int64) throws(DeploymentLogError) -> [DeploymentEvent] {
        try access("reading the events of deployment \(id)") { database in
            try database.rows(
                "SELECT \(DeploymentRow.eventColumns) FROM deployment_events WHERE deployment_id = ? ORDER BY id",
                [.integer(id)]
            ) { row in try DeploymentRow.event(row, path: self.path) }
        }
    }

    /// The service's deployment in status `active`, the newest if several are.
    public func activeDeployment(service: String) throws(DeploymentLogError) -> Deployment? {
        try select(
            "reading the active deployment of \(service)", "WHERE service = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
            [.text(service)]
        ).first
    }

    /// The newest deployment of `service` that went live and was not taken
    /// back (status `active` or `superseded`), older than `before` when
    /// given: what a rollback returns to.
    public func lastSuccessfulDeployment(service: String, before: Int64? = nil) throws(DeploymentLogError) -> Deployment? {
        try select(
            "reading the last successful deployment of \(service)",
            "WHERE service = ? AND status IN ('active', 'superseded') AND id < ? ORDER BY id DESC LIMIT 1",
            [.text(service), .integer(before ?? Int64.max)]
        ).first
    }

    /// The `PRAGMA user_version` of the file: `schemaVersion` once opened.
    public func fileSchemaVersion() throws(DeploymentLogError) -> Int {
        try access("reading the schema version") { database in
            Int(try database.rows("PRAGMA user_version") { $0.integer(0) }.first ?? 0)
        }
    }

    // MARK: Parts

    /// Read under the connection's lock, so events recorded from several tasks get times in their id order.
    func now() -> Date {
        StoredTimestamp.rounded(clock())
    }

    private func stamp(
        _ column: String, kind: DeploymentEventKind, detail: String, for id: Int64
    ) throws(DeploymentLogError) -> Deployment {
        try access("recording a \(kind) event of deployment \(id)") { database in
            let now = self.now()
            return try database.writeTransaction {
                _ = try self.existing(id, in: database)
                try database.run(
                    "UPDATE deployments SET \(column) = COALESCE(\(column), ?) WHERE id = ?",
                    [.text(StoredTimestamp.text(now)), .integer(id)])
                _ = try self.insertEvent(kind, detail: detail, for: id, at: now, in: database)
                return try self.existing(id, in: database)
            }
        }
    }

    /// One checked status move and its event, inside the caller's transaction.
    private func move(
        _ id: Int64, to status: DeploymentStatus, reason: String?, exitCode: Int32?, at now: Date, in database: SQLiteConnection
    ) throws -> Deployment {
        let current = try existing(id, in: database)
        guard current.status.canMove(to: status) else {
            throw DeploymentLogError.illegalTransition(deployment: id, from: current.status, to: status)
        }
        try database.run(
            """
            UPDATE deployments SET status = ?, reason = COALESCE(?, reason), exit_code = COALESCE(?, exit_code),
                finished_at = CASE WHEN ? AND finished_at IS NULL THEN ? ELSE finished_at END
            WHERE id = ?
            """,
            [
                .text(status.rawValue), .optional(reason), .optional(exitCode.map(Int64.init)),
                .integer(status.endsTheDeploy ? 1 : 0), .text(StoredTimestamp.text(now)), .integer(id),
            ])
        let detail = "\(current.status.rawValue) -> \(status.rawValue)" + (reason.map { ": \($0)" } ?? "")
        _ = try insertEvent(.status, detail: detail, for: id, at: now, in: database)
        return try existing(id, in: database)
    }

    private func select(
        _ operation: String, _ clauses: String, _ values: [SQLiteValue]
    ) throws(DeploymentLogError) -> [Deployment] {
        try access(operation) { database in
            try database.rows("SELECT \(DeploymentRow.deploymentColumns) FROM deployments \(clauses)", values) { row in
                try DeploymentRow.deployment(row, path: self.path)
            }
        }
    }

    private func existing(_ id: Int64, in database: SQLiteConnection) throws -> Deployment {
        let rows = try database.rows("SELECT \(DeploymentRow.deploymentColumns) FROM deployments WHERE id = ?", [.integer(id)]) {
            row in try DeploymentRow.deployment(row, path: path)
        }
        guard let deployment = rows.first else { throw DeploymentLogError.unknownDeployment(id) }
        return deployment
    }

    private func insertEvent(
        _ kind: DeploymentEventKind, detail: String, for id: Int64, at date: Date, in database: SQLiteConnection
    ) throws -> DeploymentEvent {
        try database.run(
            "INSERT INTO deployment_events (deployment_id, at, kind, detail) VALUES (?, ?, ?, ?)",
            [.integer(id), .text(StoredTimestamp.text(date)), .text(kind.rawValue), .text(detail)])
        return DeploymentEvent(id: database.lastInsertedRowID, deploymentID: id, at: date, kind: kind, detail: detail)
    }

    /// Runs `body` alone on the connection and gives every failure its
    /// typed, user-facing form.
    func access<Result: Sendable>(
        _ operation: String, _ body: (SQLiteConnection) throws -> Result
    ) throws(DeploymentLogError) -> Result {
        let outcome: Swift.Result<Result, DeploymentLogError> = connection.withLock { database in
            do {
                return .success(try body(database))
            } catch let error as DeploymentLogError {
                return .failure(error)
            } catch let error as SQLiteFailure {
                return .failure(DeploymentLogError(error, path: path, operation: operation))
            } catch {
                return .failure(.failed(path: path, operation: operation, reason: "\(error)"))
            }
        }
        return try outcome.get()
    }
}

/// `activate`'s result, carried out of the connection's lock as one Sendable value.
private struct ActivationOutcome: Sendable {
    var active: Deployment
    var replaced: [Deployment]
}
