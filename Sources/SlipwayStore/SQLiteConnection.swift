import CSQLite

/// One open database handle. Not safe to share by itself: `DeploymentLog`
/// keeps it behind a mutex, so one statement runs at a time.
final class SQLiteConnection {
    private let handle: OpaquePointer
    /// Prepared statements by their text, reused: preparing is most of what a
    /// small statement costs. The log's statements are a fixed set of texts,
    /// so this stays small; it is capped all the same.
    private var prepared: [String: SQLiteStatement] = [:]
    private static let preparedLimit = 64

    /// Opens an existing file for reading and writing; never creates one.
    init(path: String) throws(SQLiteFailure) {
        var database: OpaquePointer?
        let code = sqlite3_open_v2(path, &database, SQLITE_OPEN_READWRITE, nil)
        guard code == SQLITE_OK, let database else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(database)
            throw SQLiteFailure(code: code & 0xff, message: message)
        }
        handle = database
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// How long a statement waits for another connection's write lock before failing with `SQLITE_BUSY`.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Runs statements that take no parameters (schema steps, pragmas).
    func execute(_ sql: String) throws(SQLiteFailure) {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        defer { sqlite3_free(error) }
        guard code == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            throw SQLiteFailure(code: code & 0xff, message: message)
        }
    }

    /// Runs one statement to its end.
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteFailure) {
        let statement = try statement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Every row of one query, each read by `read` while it is current.
    func rows<Row>(
        _ sql: String, _ values: [SQLiteValue] = [], read: (SQLiteStatement) throws -> Row
    ) throws -> [Row] {
        let statement = try statement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [Row] = []
        while try statement.step() { rows.append(try read(statement)) }
        return rows
    }

    private func statement(_ sql: String) throws(SQLiteFailure) -> SQLiteStatement {
        if let cached = prepared[sql] { return cached }
        let statement = try SQLiteStatement(sql: sql, database: handle)
        if prepared.count < Self.preparedLimit { prepared[sql] = statement }
        return statement
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `body` inside one read transaction: its reads see one state of the file,
    /// whatever other connections commit meanwhile.
    func readTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try run("BEGIN")
        defer { try? run("COMMIT") }
        return try body()
    }

    /// `body` inside `BEGIN IMMEDIATE`: the write lock is taken up front, so
    /// what `body` reads (the next sequence number) cannot change before it
    /// writes. Any error rolls everything back.
    func writeTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }
}
