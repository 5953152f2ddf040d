/// Why the deployment log could not do what was asked, in words for the
/// user: the file, what is wrong, and what to do about it.
public enum DeploymentLogError: Error, Equatable, CustomStringConvertible {
    /// Opening without creating, and there is no file.
    case missing(path: String)
    /// The file or its directory cannot be opened (permissions, a directory in its place).
    case cannotOpen(path: String, reason: String)
    /// Not an SQLite database, or one whose pages do not hold together.
    case damaged(path: String, reason: String)
    /// An SQLite database, but somebody else's.
    case notADeploymentLog(path: String)
    /// Written by a newer Slipway whose schema this one does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A row this Slipway cannot read (a status it does not know, a malformed timestamp).
    case unreadableRow(path: String, table: String, id: Int64, reason: String)
    case illegalTransition(deployment: Int64, from: DeploymentStatus, to: DeploymentStatus)
    case unknownDeployment(Int64)
    /// Anything else SQLite reported, such as a lock held past the busy timeout.
    case failed(path: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no deployment log at \(path): nothing has been deployed in this project yet"
        case .cannotOpen(let path, let reason):
            "cannot open the deployment log \(path): \(reason); check that the file and its directory exist and are yours"
        case .damaged(let path, let reason):
            "the deployment log \(path) is damaged or not an SQLite database (\(reason)); Slipway left it untouched: "
                + "restore it from a backup, or move it aside (mv \(path) \(path).broken) to start a new history"
        case .notADeploymentLog(let path):
            "\(path) is an SQLite database but not a Slipway deployment log; Slipway left it untouched: "
                + "move it aside to let Slipway keep its log there"
        case .newerSchema(let path, let found, let supported):
            "the deployment log \(path) has schema version \(found), from a newer Slipway (this one knows up to "
                + "\(supported)); use that newer slipway, or move the file aside to start a new history"
        case .unreadableRow(let path, let table, let id, let reason):
            "the deployment log \(path) has a row this Slipway cannot read (\(table) id \(id): \(reason))"
        case .illegalTransition(let deployment, let from, let to):
            "deployment \(deployment) cannot move from \(from.rawValue) to \(to.rawValue)"
                + " (from \(from.rawValue) it may move to: \(Self.list(from.next)))"
        case .unknownDeployment(let id):
            "there is no deployment with id \(id)"
        case .failed(let path, let operation, let reason):
            "the deployment log \(path): \(operation) failed: \(reason)"
        }
    }

    private static func list(_ statuses: Set<DeploymentStatus>) -> String {
        let names = DeploymentStatus.allCases.filter(statuses.contains).map(\.rawValue)
        return names.isEmpty ? "nothing, it is final" : names.joined(separator: ", ")
    }

    init(_ failure: SQLiteFailure, path: String, operation: String) {
        if failure.meansDamagedFile {
            self = .damaged(path: path, reason: failure.message)
        } else if failure.meansNoAccess {
            self = .cannotOpen(path: path, reason: failure.message)
        } else {
            self = .failed(path: path, operation: operation, reason: failure.description)
        }
    }
}
