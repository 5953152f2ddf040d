/// What a `deployment_events` row reports, stored as its raw text in `kind`.
/// A struct rather than an enum so the runtime can add kinds without a schema change.
public struct DeploymentEventKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// A status change; detail `starting -> switching`, then `: reason` if one was given.
    public static let status = DeploymentEventKind(rawValue: "status")
    /// A health check result of the new instance.
    public static let health = DeploymentEventKind(rawValue: "health")
    /// The release command's result.
    public static let release = DeploymentEventKind(rawValue: "release")
    /// The proxy moved traffic to the new instance.
    public static let proxySwitch = DeploymentEventKind(rawValue: "proxy_switch")
    /// Progress of draining the previous instance.
    public static let drain = DeploymentEventKind(rawValue: "drain")
    /// Anything else worth a line in the timeline (an instance started, log lines of a failure).
    public static let note = DeploymentEventKind(rawValue: "note")
}
