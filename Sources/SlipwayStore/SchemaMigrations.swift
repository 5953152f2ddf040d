/// The log's schema as the list of steps that built it. A file's
/// `PRAGMA user_version` is the number of steps already applied; opening the
/// log applies the rest, each in its own transaction with its version bump,
/// so an older file is upgraded in place and a failed step changes nothing.
/// Steps are only ever appended: a released step never changes.
enum SchemaMigrations {
    static let steps: [String] = [
        // 1: the two tables.
        """
        CREATE TABLE deployments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            status TEXT NOT NULL,
            source TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            snapshot_hash TEXT NOT NULL,
            from_deployment_id INTEGER REFERENCES deployments(id),
            rollback_of_id INTEGER REFERENCES deployments(id),
            created_at TEXT NOT NULL,
            healthy_at TEXT,
            switched_at TEXT,
            finished_at TEXT,
            reason TEXT,
            exit_code INTEGER,
            UNIQUE (service, sequence)
        );
        CREATE TABLE deployment_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            deployment_id INTEGER NOT NULL REFERENCES deployments(id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        """,
        // 2: a deployment's timeline and a service's current deployment without a table scan.
        """
        CREATE INDEX deployment_events_by_deployment ON deployment_events (deployment_id, id);
        CREATE INDEX deployments_by_service_status ON deployments (service, status);
        """,
        // 3: `slipway drill` runs, each with its report.
        """
        CREATE TABLE drills (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scenario TEXT NOT NULL,
            service TEXT NOT NULL,
            passed INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            report TEXT NOT NULL
        );
        CREATE INDEX drills_by_service ON drills (service, id);
        """,
    ]

    /// The version a file has once every step is applied.
    static var latest: Int { steps.count }

    /// Applies the missing steps one transaction at a time. The version is
    /// read again under each step's write lock, because another process
    /// opening the same new file may have applied that step meanwhile.
    static func upgrade(_ connection: SQLiteConnection) throws {
        while try connection.writeTransaction({ () throws -> Bool in
            let version = try userVersion(connection)
            guard version < latest else { return false }
            try connection.execute(steps[version])
            try connection.execute("PRAGMA user_version = \(version + 1)")
            return true
        }) {}
    }

    static func userVersion(_ connection: SQLiteConnection) throws -> Int {
        Int(try connection.rows("PRAGMA user_version") { $0.integer(0) }.first ?? 0)
    }
}
