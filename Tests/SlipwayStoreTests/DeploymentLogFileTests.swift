import Foundation
import Glibc
import Testing
@testable import SlipwayStore

@Suite("DeploymentLog file")
struct DeploymentLogFileTests {
    @Test func theFileAndItsWALArePrivate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let previous = umask(0o022)
        defer { umask(previous) }
        let log = try DeploymentLog(path: directory.logPath)
        _ = try log.begin(service: "web", source: .up, snapshot: #"{"environment":{"TOKEN":"secret"}}"#, snapshotHash: "h")
        #expect(fileMode(directory.logPath) == 0o600)
        #expect(fileMode(directory.logPath + "-wal") == 0o600)
        #expect(fileMode(directory.logPath + "-shm") == 0o600)
    }

    @Test func theLogIsInWALModeAtTheLatestSchema() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        #expect(try log.fileSchemaVersion() == DeploymentLog.schemaVersion)
        let raw = try RawDatabase(path: directory.logPath)
        #expect(try raw.value("PRAGMA journal_mode") == "wal")
        #expect(try raw.value("PRAGMA user_version") == "\(DeploymentLog.schemaVersion)")
    }

    @Test func openingWithoutCreatingLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: DeploymentLogError.missing(path: directory.logPath)) {
            try DeploymentLog.openExisting(path: directory.logPath)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.logPath))
    }

    @Test func aVersionOneFileIsUpgradedInPlaceKeepingItsRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let raw = try RawDatabase(path: directory.logPath)
            try raw.execute(Self.versionOneSchema)
            try raw.execute(
                """
                INSERT INTO deployments (service, sequence, status, source, snapshot, snapshot_hash, created_at, finished_at)
                VALUES ('web', 1, 'active', 'up', '{"image":"v1"}', 'h1', '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:07.000Z');
                INSERT INTO deployment_events (deployment_id, at, kind, detail)
                VALUES (1, '2026-01-02T03:04:05.006Z', 'status', '-> pending (up)');
                PRAGMA user_version = 1;
                """)
        }
        let log = try DeploymentLog(path: directory.logPath)
        #expect(try log.fileSchemaVersion() == DeploymentLog.schemaVersion)
        let kept = try #require(try log.deployment(id: 1))
        #expect(kept.status == .active)
        #expect(kept.snapshot == #"{"image":"v1"}"#)
        #expect(kept.createdAt == Date(timeIntervalSince1970: 1_767_323_045.006))
        #expect(try log.events(of: 1).map(\.detail) == ["-> pending (up)"])
        #expect(try log.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "h2").sequence == 2)
        let raw = try RawDatabase(path: directory.logPath)
        #expect(try raw.value("SELECT name FROM sqlite_schema WHERE name = 'deployment_events_by_deployment'") != nil)
    }

    @Test func aVersionTwoFileGainsTheDrillsTableKeepingItsRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let raw = try RawDatabase(path: directory.logPath)
            try raw.execute(Self.versionOneSchema + Self.versionTwoStep)
            try raw.execute(
                """
                INSERT INTO deployments (service, sequence, status, source, snapshot, snapshot_hash, created_at)
                VALUES ('web', 1, 'active', 'up', '{}', 'h1', '2026-01-02T03:04:05.006Z');
                PRAGMA user_version = 2;
                """)
        }
        let log = try DeploymentLog(path: directory.logPath)
        #expect(try log.fileSchemaVersion() == 3)
        #expect(try log.deployment(id: 1)?.status == .active)
        #expect(try log.drills().isEmpty)
        let began = Date(timeIntervalSince1970: 1_767_323_045.006)
        let stored = try log.recordDrill(
            scenario: "hang", service: "web", passed: false, startedAt: began, finishedAt: began + 2.5, report: { #"{"ID":\#($0)}"# })
        let read = try log.drills(service: "web")
        #expect(read == [stored])
        #expect(read.first?.finishedAt == Date(timeIntervalSince1970: 1_767_323_047.506))
        #expect(try log.drills(service: "db").isEmpty)
        let raw = try RawDatabase(path: directory.logPath)
        #expect(try raw.value("SELECT report FROM drills WHERE id = \(stored.id)") == #"{"ID":\#(stored.id)}"#)
    }

    @Test func aFileFromANewerSlipwayIsRefusedUntouched() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try RawDatabase(path: directory.logPath).execute(Self.versionOneSchema + "PRAGMA user_version = 99;")
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.logPath))
        let error = #expect(throws: DeploymentLogError.self) { try DeploymentLog(path: directory.logPath) }
        #expect(error == .newerSchema(path: directory.logPath, found: 99, supported: DeploymentLog.schemaVersion))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.logPath)) == before)
    }

    @Test func someoneElsesDatabaseIsRefusedUntouched() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try RawDatabase(path: directory.logPath).execute("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.logPath))
        #expect(throws: DeploymentLogError.notADeploymentLog(path: directory.logPath)) {
            try DeploymentLog(path: directory.logPath)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.logPath)) == before)
    }

    @Test func randomBytesAreAClearErrorAndStayAsTheyWere() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try garbage.write(to: URL(fileURLWithPath: directory.logPath))
        try expectDamagedAndUntouched(directory, contents: garbage)
    }

    @Test func aTruncatedHeaderIsAClearErrorAndStaysAsItWas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let log = try DeploymentLog(path: directory.logPath)
            _ = try log.begin(service: "web", source: .up, snapshot: "{}", snapshotHash: "h")
        }
        let whole = try Data(contentsOf: URL(fileURLWithPath: directory.logPath))
        try? FileManager.default.removeItem(atPath: directory.logPath + "-wal")
        try? FileManager.default.removeItem(atPath: directory.logPath + "-shm")
        let truncated = whole.prefix(60)
        try truncated.write(to: URL(fileURLWithPath: directory.logPath))
        try expectDamagedAndUntouched(directory, contents: truncated)
    }

    private func expectDamagedAndUntouched(_ directory: TemporaryDirectory, contents: Data) throws {
        for open in [{ try DeploymentLog(path: directory.logPath) }, { try DeploymentLog.openExisting(path: directory.logPath) }] {
            let error = #expect(throws: DeploymentLogError.self) { try open() }
            guard case .damaged(let path, _) = error else {
                Issue.record("expected .damaged, got \(String(describing: error))")
                return
            }
            #expect(path == directory.logPath)
            let message = error?.description ?? ""
            #expect(message.contains(directory.logPath))
            #expect(message.contains("left it untouched"))
            #expect(message.contains("move it aside"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.logPath)) == contents)
        #expect(!FileManager.default.fileExists(atPath: directory.logPath + "-wal"))
    }

    @Test func aReaderIsNotBlockedByAWriterHoldingTheLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try DeploymentLog(path: directory.logPath)
        let first = try writer.begin(service: "web", source: .up, snapshot: "{}", snapshotHash: "h")
        let raw = try RawDatabase(path: directory.logPath)
        try raw.execute("BEGIN EXCLUSIVE")
        try raw.execute("UPDATE deployments SET status = 'starting' WHERE id = \(first.id)")

        // Without WAL, an exclusive lock keeps readers out: this read would fail after the busy timeout.
        let reader = try DeploymentLog.openExisting(path: directory.logPath)
        #expect(try reader.deployment(id: first.id)?.status == .pending, "the uncommitted change is not seen")
        try raw.execute("COMMIT")
        #expect(try reader.deployment(id: first.id)?.status == .starting)
    }

    @Test func twoWritersOnOneFileTakeTurns() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let logs = [try DeploymentLog(path: directory.logPath), try DeploymentLog(path: directory.logPath)]
        let perWriter = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for log in logs {
                group.addTask {
                    for _ in 0..<perWriter {
                        _ = try log.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "h")
                    }
                }
            }
            try await group.waitForAll()
        }
        let sequences = try logs[0].deployments(service: "web").map(\.sequence)
        #expect(sequences == Array((1...(2 * perWriter)).reversed()))
    }

    @Test func twoConnectionsCreatingOneNewLogAtOnceBothSucceed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for round in 0..<20 {
            let path = directory.path + "/race-\(round).sqlite"
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask { try DeploymentLog(path: path).fileSchemaVersion() }
                }
                for try await version in group {
                    #expect(version == DeploymentLog.schemaVersion)
                }
            }
        }
    }

    /// Step 2 of the migrations as it was released.
    static let versionTwoStep = """
        CREATE INDEX deployment_events_by_deployment ON deployment_events (deployment_id, id);
        CREATE INDEX deployments_by_service_status ON deployments (service, status);

        """

    /// The schema as step 1 of the migrations left it, written out here so
    /// the test does not depend on the code it checks.
    static let versionOneSchema = """
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

        """
}

@Suite("DeploymentLog faults")
struct DeploymentLogFaultTests {
    @Test func aDirectoryInThePlaceOfTheFileCannotBeOpened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.logPath, withIntermediateDirectories: false)
        let error = #expect(throws: DeploymentLogError.self) { try DeploymentLog(path: directory.logPath) }
        guard case .cannotOpen(let path, _) = error else {
            Issue.record("expected .cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(path == directory.logPath)
        #expect(error?.description.hasPrefix("cannot open the deployment log \(directory.logPath): ") == true)
    }

    @Test func aMissingDirectoryCannotBeOpened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/absent/deployments.sqlite"
        let error = #expect(throws: DeploymentLogError.self) { try DeploymentLog(path: path) }
        guard case .cannotOpen = error else {
            Issue.record("expected .cannotOpen, got \(String(describing: error))")
            return
        }
    }

    /// A trigger makes SQLite itself refuse the event row, after the status
    /// update in the same transaction already succeeded.
    @Test func aTransitionWhoseEventCannotBeWrittenLeavesTheStatusAsItWas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let deployment = try log.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "h")
        try RawDatabase(path: directory.logPath).execute(
            """
            CREATE TRIGGER refuse_events BEFORE INSERT ON deployment_events
            BEGIN SELECT RAISE(ABORT, 'events refused by the test'); END;
            """)
        let error = #expect(throws: DeploymentLogError.self) { try log.transition(deployment.id, to: .starting) }
        #expect(error?.description.contains("events refused by the test") == true)
        #expect(try log.deployment(id: deployment.id)?.status == .pending)
        #expect(try log.events(of: deployment.id).count == 1)
    }
}
