/// Everything an `HTTPConnection` asks of the loop it lives on: the system calls of `RelayIO`,
/// the listener's route, connections to instances, the counters and the access log.
///
/// The loop passes `LoopHTTPHost`; tests pass a scripted host, so a connection's whole life is
/// driven by bytes and readiness events without sockets or threads. Generic, never an
/// existential, so the loop's calls compile to direct calls.
protocol HTTPConnectionHost: RelayIO {
    /// The loop's clock for this wake-up, in nanoseconds.
    var now: UInt64 { get }
    /// Named in the proxy's own 502 and 504 answers and in the access log.
    var serviceName: String { get }
    /// Whether exchanges are written to an access log: if not, no request pays for its strings.
    var logsAccess: Bool { get }
    /// The listener's injected latency (`ListenerFault`), held before each request; 0 when none.
    var faultLatency: UInt64 { get }
    /// Whether the listener's injected error rate fails this request; counts it when it does.
    mutating func injectsError() -> Bool
    /// The instance new requests go to now, if any.
    func route() -> HTTPRoute?
    /// Where a request goes that `failed`'s instance could not take, if anywhere.
    func fallbackRoute(after failed: InstanceID) -> HTTPRoute?
    /// An idle keep-alive connection to `route`'s instance, taken out of the pool.
    mutating func takePooledLink(for route: HTTPRoute) -> UpstreamLink?
    /// A connection to `route`'s instance with its connect started; nil when it failed at once.
    mutating func connect(to route: HTTPRoute) -> UpstreamLink?
    /// Gives a connection back: into the pool when it is to `parkingFor` and the listener still
    /// routes there, else (and when `parkingFor` is nil) closed.
    mutating func release(_ link: UpstreamLink, parkingFor upstream: Upstream?)
    mutating func updateTraffic(_ index: Int, _ body: (inout InstanceStats) -> Void)
    mutating func countNoUpstream()
    /// A request the routed instance failed went to the fallback.
    mutating func countFallback()
    mutating func countRefusal(_ kind: RequestRefusalKind)
    /// A request (or tunnel) stopped counting as active: drains waiting for it may settle.
    mutating func exchangeEnded()
    mutating func log(_ entry: AccessLogEntry)
    /// Asks for an immediate ACK on `fd` (`TCP_QUICKACK`, see docs/proxy.md).
    mutating func quickAck(_ fd: Int32)
}
