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
    /// Connections (TCP) or requests (HTTP) the routed instance refused or dropped before
    /// answering, which the warm previous instance (the fallback after a switch) carried.
    public var fellBack: Int
    /// HTTP mode: requests the proxy answered itself (400, 431, 501) and never forwarded, by
    /// `RequestRefusalKind` name; every kind is present.
    public var refusedRequests: [String: Int]
    /// Oldest launch first.
    public var instances: [InstanceTrafficStats]
    /// The fault injected into the port (`slipway fault`); nil when none ever failed anything.
    public var fault: PortFault?

    public init(
        service: String, publisher: PortPublisher, mode: Mode, upstream: String? = nil, openConnections: Int = 0,
        rejectedConnections: Int = 0, noInstance: Int = 0, fellBack: Int = 0, refusedRequests: [String: Int] = Self.noRefusals,
        instances: [InstanceTrafficStats] = [], fault: PortFault? = nil
    ) {
        self.service = service
        self.publisher = publisher
        self.mode = mode
        self.upstream = upstream
        self.openConnections = openConnections
        self.rejectedConnections = rejectedConnections
        self.noInstance = noInstance
        self.fellBack = fellBack
        self.refusedRequests = refusedRequests
        self.instances = instances
        self.fault = fault
    }

    init(_ listener: ListenerStats, service: String, publisher: PortPublisher) {
        self.init(
            service: service, publisher: publisher, mode: listener.mode == .http ? .http : .tcp,
            upstream: listener.upstream?.instance, openConnections: listener.openConnections,
            rejectedConnections: listener.rejectedConnections, noInstance: listener.noUpstream, fellBack: listener.fellBack,
            refusedRequests: Dictionary(uniqueKeysWithValues: RequestRefusalKind.allCases.map {
                ($0.rawValue, listener.refusedRequests[$0] ?? 0)
            }),
            instances: listener.instances.sorted { Self.launchOrder($0.instance) < Self.launchOrder($1.instance) }
                .map(InstanceTrafficStats.init),
            fault: PortFault(listener))
    }

    public static let noRefusals = Dictionary(uniqueKeysWithValues: RequestRefusalKind.allCases.map { ($0.rawValue, 0) })

    /// Instance ids are `<service>-<launch number>`: `web-10` comes after `web-9`.
    private static func launchOrder(_ instance: String) -> Int {
        instance.split(separator: "-").last.flatMap { Int($0) } ?? 0
    }
}
