import SlipwayProxy

/// One published port: what its listener saw outside any instance, and the
/// traffic of each instance it forwarded to through this port.
public struct PortStats: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable {
        case tcp, http
    }

    public var service: String
    /// The port as `ps` shows it: the proxy's address and port, the compose target port.
    public var publisher: PortPublisher
    public var mode: Mode
    /// The instance new traffic goes to; nil while none runs.
    public var upstream: String?
    public var openConnections: Int
    /// Connections closed on accept because the connection limit was reached.
    public var rejectedConnections: Int
    /// Connections (TCP) or requests (HTTP, answered 502) that came while no instance was up.
    public var noInstance: Int
    /// Oldest launch first.
    public var instances: [InstanceTrafficStats]

    public init(
        service: String, publisher: PortPublisher, mode: Mode, upstream: String? = nil, openConnections: Int = 0,
        rejectedConnections: Int = 0, noInstance: Int = 0, instances: [InstanceTrafficStats] = []
    ) {
        self.service = service
        self.publisher = publisher
        self.mode = mode
        self.upstream = upstream
        self.openConnections = openConnections
        self.rejectedConnections = rejectedConnections
        self.noInstance = noInstance
        self.instances = instances
    }

    init(_ listener: ListenerStats, service: String, publisher: PortPublisher) {
        self.init(
            service: service, publisher: publisher, mode: listener.mode == .http ? .http : .tcp,
            upstream: listener.upstream?.instance, openConnections: listener.openConnections,
            rejectedConnections: listener.rejectedConnections, noInstance: listener.noUpstream,
            instances: listener.instances.sorted { Self.launchOrder($0.instance) < Self.launchOrder($1.instance) }
                .map(InstanceTrafficStats.init))
    }

    /// Instance ids are `<service>-<launch number>`: `web-10` comes after `web-9`.
    private static func launchOrder(_ instance: String) -> Int {
        instance.split(separator: "-").last.flatMap { Int($0) } ?? 0
    }
}
