import CSQLite

/// A result code SQLite returned, with its own message; `DeploymentLog`
/// turns it into a `DeploymentLogError` that names the file.
struct SQLiteFailure: Error, CustomStringConvertible {
    /// The primary result code (`SQLITE_NOTADB`, `SQLITE_BUSY`, …).
    var code: Int32
    var message: String

    var description: String { "\(message) (SQLite code \(code))" }

    /// The file is not a database, or its pages do not hold together.
    var meansDamagedFile: Bool { code == SQLITE_NOTADB || code == SQLITE_CORRUPT }

    /// The file, or the directory SQLite keeps its -wal and -shm files in, cannot be opened or written.
    var meansNoAccess: Bool { [SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH].contains(code) }
}
