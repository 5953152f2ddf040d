/// Identifies one running instance of a service (for example "web-3"); stats and drains are keyed by it.
public typealias InstanceID = String

/// Where a listener forwards traffic: one instance's private address.
public struct Upstream: Hashable, Sendable, CustomStringConvertible {
    public var instance: InstanceID
    public var host: String
    public var port: Int

    public init(instance: InstanceID, host: String = "127.0.0.1", port: Int) {
        self.instance = instance
        self.host = host
        self.port = port
    }

    public var description: String { "\(instance) (\(host):\(port))" }
}
