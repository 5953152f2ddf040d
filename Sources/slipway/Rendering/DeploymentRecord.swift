import Foundation
import SlipwayRuntime
import SlipwayStore

/// One element of `deployments --format json`. Field names and empty values
/// follow `ps --format json`: capitalised names, RFC 3339 times, `""` for a
/// time or text not set, `0` for no deployment id.
struct DeploymentRecord: Encodable, Equatable {
    var ID: Int64
    var Service: String
    /// The deployment's number among its service's deployments.
    var Sequence: Int
    var Status: String
    var Source: String
    var CreatedAt: String
    var FinishedAt: String
    var Reason: String
    var RollbackOf: Int64
    /// Only in `deployments show ID --format json`: the timeline, oldest first.
    var Events: [Event]?

    struct Event: Encodable, Equatable {
        var At: String
        var Kind: String
        var Detail: String
    }

    init(_ deployment: Deployment, events: [DeploymentEvent]? = nil) {
        ID = deployment.id
        Service = deployment.service
        Sequence = deployment.sequence
        Status = deployment.status.rawValue
        Source = deployment.source.rawValue
        CreatedAt = Self.time(deployment.createdAt)
        FinishedAt = deployment.finishedAt.map(Self.time) ?? ""
        Reason = deployment.reason ?? ""
        RollbackOf = deployment.rollbackOfID ?? 0
        Events = events?.map { Event(At: Self.time($0.at), Kind: $0.kind.rawValue, Detail: $0.detail) }
    }

    /// The JSON array `deployments --format json` prints, one line.
    static func json(_ deployments: [Deployment]) throws -> String {
        try encoded(deployments.map { DeploymentRecord($0) })
    }

    /// The object `deployments show ID --format json` prints, one line.
    static func json(_ deployment: Deployment, events: [DeploymentEvent]) throws -> String {
        try encoded(DeploymentRecord(deployment, events: events))
    }

    private static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// RFC 3339 as `ps` writes it; the log keeps milliseconds, so the digits after them are zeros.
    private static func time(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        return LogTimestamp(seconds: seconds, nanoseconds: Int32(milliseconds - seconds * 1000) * 1_000_000).description
    }
}
