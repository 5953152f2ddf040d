/// Traffic one instance has carried, summed over every listener that forwarded to it.
public struct InstanceStats: Sendable, Hashable {
    public var instance: InstanceID
    /// TCP mode: client connections forwarded to the instance.
    public var connections: Int = 0
    /// HTTP mode: requests forwarded to the instance.
    public var requests: Int = 0
    /// Connections (TCP) or requests (HTTP) in flight right now.
    public var active: Int = 0
    public var errors: [ProxyErrorKind: Int] = [:]
    /// Bytes read from clients and sent on to the instance (HTTP mode: request bodies as
    /// forwarded, chunk framing included; heads are not counted).
    public var bytesIn: Int64 = 0
    /// Bytes read from the instance and sent on to clients (HTTP mode: response bodies likewise).
    public var bytesOut: Int64 = 0
    /// HTTP mode: time from request head to response end. TCP mode: time to connect to the instance.
    public var latency = LatencyHistogram()

    public init(instance: InstanceID) {
        self.instance = instance
    }

    mutating func merge(_ other: InstanceStats) {
        connections += other.connections
        requests += other.requests
        active += other.active
        errors.merge(other.errors, uniquingKeysWith: +)
        bytesIn += other.bytesIn
        bytesOut += other.bytesOut
        latency.merge(other.latency)
    }
}
