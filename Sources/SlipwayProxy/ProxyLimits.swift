/// Bounds that keep a flood of clients, or one slow client, from holding the proxy's resources forever.
public struct ProxyLimits: Sendable, Hashable {
    /// Client connections open at once on one listener; further connections are closed on accept.
    public var maxConnections: Int
    /// A client connection with no byte read or written for this long is closed (checked once
    /// per period, so it goes between one and two periods after its last byte).
    public var idleTimeout: Duration
    /// HTTP mode: the largest request head (request line and headers) accepted; larger ones get a 400.
    public var maxHeaderBytes: Int
    /// HTTP mode: a request head must arrive completely within this time of its first byte.
    public var headerReadTimeout: Duration
    /// Connecting to the upstream instance must succeed within this time.
    public var connectTimeout: Duration
    /// HTTP mode: the upstream must start its response within this time of the request being sent.
    public var upstreamResponseTimeout: Duration

    public init(
        maxConnections: Int = 16_384,
        idleTimeout: Duration = .seconds(300),
        maxHeaderBytes: Int = 64 * 1024,
        headerReadTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(5),
        upstreamResponseTimeout: Duration = .seconds(60)
    ) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.headerReadTimeout = headerReadTimeout
        self.connectTimeout = connectTimeout
        self.upstreamResponseTimeout = upstreamResponseTimeout
    }
}
