/// Everything needed to open one published port.
public struct ListenerConfig: Sendable, Hashable {
    public var key: ListenerKey
    /// Interface to bind; loopback unless the compose file names another host IP.
    public var host: String
    /// Port to bind; 0 lets the system pick a free one (read it back from `Listener.boundPort`).
    public var port: Int
    public var mode: ProxyMode
    /// Named in the plain-text bodies of 502 and 504 responses.
    public var serviceName: String
    public var limits: ProxyLimits

    public init(
        key: ListenerKey,
        host: String = "127.0.0.1",
        port: Int,
        mode: ProxyMode = .tcp,
        serviceName: String? = nil,
        limits: ProxyLimits = ProxyLimits()
    ) {
        self.key = key
        self.host = host
        self.port = port
        self.mode = mode
        self.serviceName = serviceName ?? key.service
        self.limits = limits
    }
}
