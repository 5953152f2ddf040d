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
}
