#if canImport(Glibc)
import Glibc
#endif

/// The `HTTPConnectionHost` of an HTTP connection living on a `ProxyLoop`: system calls, the
/// listener shard's route, pool and counters.
struct LoopHTTPHost: HTTPConnectionHost {
    // Unretained: a host is made by the loop, on the loop's thread, for one call into a
    // connection and dropped when it returns, so the loop outlives it. Each use borrows it
    // (`withLoop`); an `unowned(unsafe)` reference was retained and released around every
    // call, several times per request.
    private let unretainedLoop: Unmanaged<ProxyLoop>
    /// The listener shard and the `HTTPSlot` of the connection being served.
    let shard: Int
    let slot: Int
    private var io = SystemRelayIO()

    /// The loop's clock for this wake-up, read once per host rather than once per use.
    let now: UInt64

    init(loop: ProxyLoop, shard: Int, slot: Int) {
        unretainedLoop = .passUnretained(loop)
        self.shard = shard
        self.slot = slot
        now = loop.now
    }

    private func withLoop<Result>(_ body: (ProxyLoop) -> Result) -> Result {
        unretainedLoop._withUnsafeGuaranteedRef(body)
    }

    private func withShard<Result>(_ body: (inout ListenerShard) -> Result) -> Result {
        withLoop { $0.withShard(shard, body) }
    }

    var serviceName: String { withShard { $0.listener.config.serviceName } }
    var logsAccess: Bool { withShard { $0.logsAccess } }

    var faultLatency: UInt64 { withShard { $0.fault.latency } }

    mutating func injectsError() -> Bool {
        withShard { $0.injectsError() }
    }

    func route() -> HTTPRoute? {
        withShard { shard in
            guard let routed = shard.upstream, let traffic = shard.currentTraffic else { return nil }
            return HTTPRoute(upstream: routed.upstream, address: routed.address, traffic: traffic)
        }
    }

    func fallbackRoute(after failed: InstanceID) -> HTTPRoute? {
        withShard { shard in
            shard.fallback(after: failed).map { HTTPRoute(upstream: $0.routed.upstream, address: $0.routed.address, traffic: $0.traffic) }
        }
    }

    mutating func takePooledLink(for route: HTTPRoute) -> UpstreamLink? {
        withLoop { $0.takePooledLink(shard: shard, to: route.upstream, owner: slot) }
    }

    mutating func connect(to route: HTTPRoute) -> UpstreamLink? {
        withLoop { $0.openLink(to: route.address, owner: slot) }
    }

    mutating func release(_ link: UpstreamLink, parkingFor upstream: Upstream?) {
        withLoop { $0.releaseLink(link, shard: shard, parkingFor: upstream) }
    }

    mutating func updateTraffic(_ index: Int, _ body: (inout InstanceStats) -> Void) {
        withShard { body(&$0.traffic[index]) }
    }

    mutating func countNoUpstream() {
        withShard { $0.noUpstream += 1 }
    }

    mutating func countFallback() {
        withShard { $0.fellBack += 1 }
    }

    mutating func countRefusal(_ kind: RequestRefusalKind) {
        withShard { $0.refusedRequests[kind, default: 0] += 1 }
    }

    mutating func exchangeEnded() {
        withLoop { loop in
            if !loop.drains.isEmpty { loop.settleIdleDrains() }
        }
    }

    mutating func log(_ entry: AccessLogEntry) {
        withShard { $0.listener.accessLog }?.record(entry)
    }

    mutating func quickAck(_ fd: Int32) {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    mutating func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        io.read(fd, into: buffer)
    }

    mutating func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) -> IOResult {
        io.write(fd, from: buffer)
    }

    mutating func shutdownOutput(_ fd: Int32) {
        io.shutdownOutput(fd)
    }

    mutating func splice(from source: Int32, to sink: Int32, count: Int) -> IOResult {
        io.splice(from: source, to: sink, count: count)
    }

    mutating func connectError(_ fd: Int32) -> Int32 {
        io.connectError(fd)
    }
}
