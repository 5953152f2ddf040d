import Foundation

/// One row of `deployments`: one attempt to put a version of a service live.
public struct Deployment: Sendable, Codable, Equatable, Identifiable {
    /// Unique in the project's log, never reused.
    public var id: Int64
    public var service: String
    /// 1, 2, 3 … per service, in the order the deployments were begun.
    public var sequence: Int
    public var status: DeploymentStatus
    public var source: DeploymentSource
    /// The resolved service definition deployed, as JSON text.
    public var snapshot: String
    /// The hash of `snapshot` the runtime compares to tell an unchanged service (`SnapshotDigest.of`).
    public var snapshotHash: String
    /// The deployment that was active when this one began, if any.
    public var fromDeploymentID: Int64?
    /// For a rollback: the deployment it undoes.
    public var rollbackOfID: Int64?
    public var createdAt: Date
    /// When the new instance first passed its health check.
    public var healthyAt: Date?
    /// When the proxy moved traffic to it.
    public var switchedAt: Date?
    /// When it became active, or ended without doing so.
    public var finishedAt: Date?
    /// Why it failed, was interrupted or rolled back.
    public var reason: String?
    /// The new instance's exit code when its exit failed the deployment.
    public var exitCode: Int32?

    /// It served traffic at some point: a rollback may return to it.
    public var wentLive: Bool {
        switchedAt != nil || [.active, .superseded, .rolledBack].contains(status)
    }

    public init(
        id: Int64, service: String, sequence: Int, status: DeploymentStatus, source: DeploymentSource,
        snapshot: String, snapshotHash: String, fromDeploymentID: Int64? = nil, rollbackOfID: Int64? = nil,
        createdAt: Date, healthyAt: Date? = nil, switchedAt: Date? = nil, finishedAt: Date? = nil,
        reason: String? = nil, exitCode: Int32? = nil
    ) {
        self.id = id
        self.service = service
        self.sequence = sequence
        self.status = status
        self.source = source
        self.snapshot = snapshot
        self.snapshotHash = snapshotHash
        self.fromDeploymentID = fromDeploymentID
        self.rollbackOfID = rollbackOfID
        self.createdAt = createdAt
        self.healthyAt = healthyAt
        self.switchedAt = switchedAt
        self.finishedAt = finishedAt
        self.reason = reason
        self.exitCode = exitCode
    }
}
