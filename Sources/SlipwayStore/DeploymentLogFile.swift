import CSQLite
import Foundation
import Glibc

/// Opening the log's file: created 0600 (it holds environment values in the
/// snapshots), checked to be a Slipway log before anything is written to it,
/// then switched to WAL and upgraded to the latest schema.
enum DeploymentLogFile {
    /// How long a write waits for another connection's lock.
    static let busyTimeoutMilliseconds: Int32 = 5000

    static func open(path: String, create: Bool) throws(DeploymentLogError) -> SQLiteConnection {
        if !FileManager.default.fileExists(atPath: path) {
            guard create else { throw .missing(path: path) }
            try createPrivateFile(path)
        }
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: error.message)
        }
        connection.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
        do {
            try prepare(connection, path: path)
        } catch let error as DeploymentLogError {
            throw error
        } catch let error as SQLiteFailure {
            throw DeploymentLogError(error, path: path, operation: "opening")
        } catch {
            throw .failed(path: path, operation: "opening", reason: "\(error)")
        }
        return connection
    }

    /// Reads before it writes: a file that is not a database, or not ours,
    /// fails on the reads and is left byte for byte as it was.
    private static func prepare(_ connection: SQLiteConnection, path: String) throws {
        let (version, tables) = try connection.readTransaction {
            (try SchemaMigrations.userVersion(connection), try integer(connection, "SELECT count(*) FROM sqlite_schema"))
        }
        if version > SchemaMigrations.latest {
            throw DeploymentLogError.newerSchema(path: path, found: version, supported: SchemaMigrations.latest)
        }
        if version == 0, tables > 0 {
            throw DeploymentLogError.notADeploymentLog(path: path)
        }
        let mode = try switchToWAL(connection)
        guard mode == "wal" else {
            throw DeploymentLogError.failed(
                path: path, operation: "switching to WAL mode", reason: "SQLite kept journal mode \(mode ?? "unknown")")
        }
        // WAL commits survive a crash of the process with NORMAL; only a power loss may lose the last ones.
        try connection.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        // Only an upgrade takes the write lock: opening to read must not wait for a writer.
        if version < SchemaMigrations.latest { try SchemaMigrations.upgrade(connection) }
    }

    /// The journal mode after asking for WAL. The switch needs the file to
    /// itself, and a connection of this process that finds another one
    /// switching gets SQLITE_BUSY at once, without the busy handler: two
    /// opening one new log together (a supervisor and a CLI, two tests) would
    /// fail. So the switch is retried, every millisecond, for as long as a
    /// write waits for a lock.
    private static func switchToWAL(_ connection: SQLiteConnection) throws -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(busyTimeoutMilliseconds))
        while true {
            do {
                return try connection.rows("PRAGMA journal_mode = WAL") { $0.text(0) }.first
            } catch let failure as SQLiteFailure where failure.code == SQLITE_BUSY && ContinuousClock.now < deadline {
                usleep(1_000)
            }
        }
    }

    private static func integer(_ connection: SQLiteConnection, _ sql: String) throws -> Int {
        Int(try connection.rows(sql) { $0.integer(0) }.first ?? 0)
    }

    /// SQLite would create the file with the umask's mode; making it first
    /// fixes 0600, and SQLite gives its -wal and -shm files the same mode.
    private static func createPrivateFile(_ path: String) throws(DeploymentLogError) {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            guard errno == EEXIST else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            return
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
