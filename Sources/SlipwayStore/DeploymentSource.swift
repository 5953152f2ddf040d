/// What started a deployment, stored as its raw text in `deployments.source`.
public enum DeploymentSource: String, Sendable, Codable, CaseIterable {
    /// `slipway up`: a service's first deployment, or a changed service reconciled by `up -d`.
    case up
    /// `slipway deploy`.
    case deploy
    /// A rollback the user asked for.
    case rollback
    /// A rollback Slipway made after the new version failed its monitoring.
    case autoRollback = "auto-rollback"
}
