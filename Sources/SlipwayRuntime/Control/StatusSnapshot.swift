import Foundation

/// Every instance of a project as the supervisor sees it, answered to `status`.
public struct StatusSnapshot: Sendable, Codable, Equatable {
    public var project: String
    /// When the supervisor took the snapshot; uptimes are measured against it.
    public var takenAt: Date
    public var instances: [InstanceStatus]

    public init(project: String, takenAt: Date = Date(), instances: [InstanceStatus]) {
        self.project = project
        self.takenAt = takenAt
        self.instances = instances
    }

    /// The instances `ps` shows: live ones unless `includeStopped`, and only
    /// the named services when any are named.
    public func listed(includeStopped: Bool, services: [String]) -> [InstanceStatus] {
        instances.filter { instance in
            (includeStopped || instance.state.isLive) && (services.isEmpty || services.contains(instance.service))
        }
    }

    /// Where the service's container port is published (`slipway port`),
    /// nil when it is only exposed or not a port of the service.
    public func published(service: String, port: Int, protocol: String = "tcp") -> PortPublisher? {
        instances.filter { $0.service == service }.flatMap(\.publishers).first {
            $0.targetPort == port && $0.protocol == `protocol` && $0.publishedPort != 0
        }
    }
}
