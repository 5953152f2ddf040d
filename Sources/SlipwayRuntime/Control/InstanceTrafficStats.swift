import SlipwayProxy

/// What one instance carried through one published port.
public struct InstanceTrafficStats: Sendable, Codable, Equatable {
    /// The proxy's id for the instance, `<service>-<n>`, n counting the service's launches.
    public var instance: String
    /// HTTP mode: requests forwarded to the instance.
    public var requests: Int
    /// TCP mode: client connections forwarded to the instance.
    public var connections: Int
    /// Requests (HTTP) or connections (TCP) in flight when the snapshot was taken.
    public var active: Int
    /// Every error kind the proxy counts (`connectFailed`, `connectTimeout`,
    /// `upstreamTimeout`, `upstreamClosed`, `clientClosed`, `drainClosed`), zeros included.
    public var errors: [String: Int]
    /// Bytes from clients to the instance (HTTP mode: bodies only).
    public var bytesIn: Int64
    /// Bytes from the instance to clients (HTTP mode: bodies only).
    public var bytesOut: Int64
    /// HTTP mode: request head to response end. TCP mode: time to connect to the instance.
    public var latency: LatencySummary

    public init(
        instance: String, requests: Int = 0, connections: Int = 0, active: Int = 0, errors: [String: Int] = [:],
        bytesIn: Int64 = 0, bytesOut: Int64 = 0, latency: LatencySummary = LatencySummary(LatencyHistogram())
    ) {
        self.instance = instance
        self.requests = requests
        self.connections = connections
        self.active = active
        self.errors = errors
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.latency = latency
    }

    init(_ stats: InstanceStats) {
        self.init(
            instance: stats.instance, requests: stats.requests, connections: stats.connections, active: stats.active,
            errors: Dictionary(uniqueKeysWithValues: ProxyErrorKind.allCases.map { ($0.rawValue, stats.errors[$0] ?? 0) }),
            bytesIn: stats.bytesIn, bytesOut: stats.bytesOut, latency: LatencySummary(stats.latency))
    }
}
