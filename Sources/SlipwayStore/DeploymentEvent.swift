import Foundation

/// One row of `deployment_events`: a step of a deployment's timeline.
public struct DeploymentEvent: Sendable, Codable, Equatable, Identifiable {
    /// Increases with every event of the log, so it orders events recorded within one millisecond.
    public var id: Int64
    public var deploymentID: Int64
    public var at: Date
    public var kind: DeploymentEventKind
    public var detail: String

    public init(id: Int64, deploymentID: Int64, at: Date, kind: DeploymentEventKind, detail: String) {
        self.id = id
        self.deploymentID = deploymentID
        self.at = at
        self.kind = kind
        self.detail = detail
    }
}
