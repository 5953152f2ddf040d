/// A snapshot of everything the proxy counts.
public struct ProxyStats: Sendable, Hashable {
    public var listeners: [ListenerStats]
    public var instances: [InstanceStats]

    public func instance(_ id: InstanceID) -> InstanceStats? {
        instances.first { $0.instance == id }
    }
}
