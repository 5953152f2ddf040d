/// Traffic of one listener: what belongs to no instance, and in `instances` what each instance
/// carried through this listener alone.
public struct ListenerStats: Sendable, Hashable {
    public var key: ListenerKey
    public var boundPort: Int
    public var mode: ProxyMode
    /// The instance new traffic goes to, if any.
    public var upstream: Upstream?
    /// Where traffic the upstream refuses goes, if anywhere (`ReverseProxy.setUpstream(_:fallback:for:)`).
    public var fallback: Upstream?
    /// Connections (TCP) or requests (HTTP) the upstream failed and the fallback carried.
    public var fellBack: Int = 0
    public var openConnections: Int = 0
    /// Connections closed on accept because the connection limit was reached.
    public var rejectedConnections: Int = 0
    /// Connections (TCP) or requests (HTTP, answered 502) that arrived while no instance was up.
    public var noUpstream: Int = 0
    /// HTTP mode: requests answered by the proxy itself and never forwarded, by reason.
    public var refusedRequests: [RequestRefusalKind: Int] = [:]
    /// The fault injected into the listener (`ListenerFault`) and the requests (HTTP, answered 503)
    /// or connections (TCP, reset) its error rate failed.
    public var fault = ListenerFault.none
    public var injectedErrors = 0
    /// Per instance, only this listener's share (`ProxyStats.instances` sums them over listeners).
    public var instances: [InstanceStats] = []
}
