/// Where one listener sends new traffic, and where what that instance refuses goes
/// (`ReverseProxy.setRoutes(_:)`).
public struct ListenerRoute: Sendable, Hashable {
    public var upstream: Upstream?
    public var fallback: Upstream?

    public init(upstream: Upstream?, fallback: Upstream? = nil) {
        self.upstream = upstream
        self.fallback = fallback
    }
}
