#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A listening socket served by every loop of a `ProxyLoopGroup`: each loop waits on it (with
/// `EPOLLEXCLUSIVE`, so one connection wakes one loop) and keeps its own `ListenerShard`.
///
/// Owns `fd`: opened by `ReverseProxy.addListener`, closed by `close()` once every loop has
/// stopped watching it.
final class LoopListener: Sendable {
    let config: ListenerConfig
    let fd: Int32
    let boundPort: Int
    /// Where HTTP-mode exchanges are logged, if anywhere.
    let accessLog: AccessLogSink?
    /// Client connections open on all loops; the only state loops share, so the connection limit
    /// holds for the listener as a whole.
    let openConnections = Atomic<Int>(0)
    /// Which requests or connections an injected error rate fails, counted over all loops.
    let faultSampler = FaultSampler()

    init(config: ListenerConfig, accessLog: AccessLogSink?) throws(ProxyError) {
        let (fd, port) = try LoopSocket.listen(host: config.host, port: config.port)
        self.config = config
        self.accessLog = accessLog
        self.fd = fd
        self.boundPort = port
    }

    /// Adopts `descriptor`, a socket already bound and listening (one made in another network
    /// namespace, say); made non-blocking here. Owns it from now on, and closes it when it is not
    /// a listening TCP socket.
    init(config: ListenerConfig, adopting descriptor: Int32, accessLog: AccessLogSink?) throws(ProxyError) {
        guard let port = Self.listeningPort(of: descriptor) else {
            let reason = "descriptor \(descriptor) is not a listening TCP socket"
            _ = Glibc.close(descriptor)
            throw .bindFailed(host: config.host, port: config.port, reason: reason)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        self.config = config
        self.accessLog = accessLog
        fd = descriptor
        boundPort = port
    }

    /// The local port of a listening TCP socket, or nil when `descriptor` is not one.
    private static func listeningPort(of descriptor: Int32) -> Int? {
        var listening: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening != 0 else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutableBytes(of: &storage) { bytes in
            getsockname(descriptor, bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard named == 0 else { return nil }
        return withUnsafeBytes(of: storage) { bytes -> Int? in
            switch Int32(storage.ss_family) {
            case AF_INET: Int(UInt16(bigEndian: bytes.load(as: sockaddr_in.self).sin_port))
            case AF_INET6: Int(UInt16(bigEndian: bytes.load(as: sockaddr_in6.self).sin6_port))
            default: nil
            }
        }
    }

    /// Counts a new connection, or says no when the listener is at its limit.
    func admit() -> Bool {
        let before = openConnections.wrappingAdd(1, ordering: .relaxed).oldValue
        guard before < config.limits.maxConnections else {
            openConnections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() {
        openConnections.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Stops listening at once, then closes. `shutdown` ends the socket's listen state even
    /// while another descriptor still refers to it (a child of this process between its fork
    /// and its exec holds a copy of every descriptor); `close` alone would leave it accepting.
    func close() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }
}

/// An instance's address as a listener routes to it, resolved once when it is set.
struct RoutedUpstream: Sendable {
    let upstream: Upstream
    let address: SocketAddressBytes?

    init(_ upstream: Upstream) {
        self.upstream = upstream
        address = SocketAddressBytes.resolve(host: upstream.host, port: upstream.port)
    }
}

/// A listener's new route as every loop applies it, resolved once.
struct LoopRoute: Sendable {
    let listener: LoopListener
    let upstream: RoutedUpstream?
    let fallback: RoutedUpstream?
    let version: Int
}

/// One loop's part of a listener: where new connections go and what they carried, touched only
/// on that loop's thread.
struct ListenerShard {
    let listener: LoopListener
    private(set) var upstream: RoutedUpstream?
    /// Index in `traffic` of the current upstream's instance, so admitting a connection looks
    /// nothing up by name.
    private(set) var currentTraffic: Int?
    /// Where a connection or request goes when `upstream` refuses it (see `route(to:fallback:version:)`).
    private(set) var fallback: RoutedUpstream?
    private(set) var fallbackTraffic: Int?
    private var routeVersion = 0
    /// Connections (TCP) or requests (HTTP) that `upstream` failed and `fallback` took.
    var fellBack = 0
    var rejectedConnections = 0
    var noUpstream = 0
    var refusedRequests: [RequestRefusalKind: Int] = [:]
    /// The injected fault (`ListenerFault`) and the requests or connections its error rate failed.
    var fault = LoopFault()
    var injectedErrors = 0
    /// HTTP mode: idle keep-alive connections to `upstream`, as `UpstreamLinkSlot` indices,
    /// reused most-recently-parked first.
    var idleLinks: [Int] = []
    var traffic: ContiguousArray<InstanceStats> = []
    private var trafficIndex: [InstanceID: Int] = [:]

    /// Read on every HTTP request, so kept here rather than asked of `listener`.
    let logsAccess: Bool

    init(listener: LoopListener) {
        self.listener = listener
        logsAccess = listener.accessLog != nil
    }

    /// Routes new connections to `next`, and those `next` refuses to `fallback`, unless a later
    /// switch (a higher `version`) already did.
    mutating func route(to next: RoutedUpstream?, fallback: RoutedUpstream?, version: Int) {
        guard version > routeVersion else { return }
        routeVersion = version
        upstream = next
        currentTraffic = next.map { trafficSlot(for: $0.upstream.instance) }
        self.fallback = fallback
        fallbackTraffic = fallback.map { trafficSlot(for: $0.upstream.instance) }
    }

    /// Where traffic goes that `failed` could not carry: the fallback, or, once traffic was
    /// switched away from `failed` (the runtime saw it die), the instance routed to now.
    func fallback(after failed: InstanceID) -> (routed: RoutedUpstream, traffic: Int)? {
        if let fallback, let fallbackTraffic, fallback.upstream.instance != failed { return (fallback, fallbackTraffic) }
        if let upstream, let currentTraffic, upstream.upstream.instance != failed { return (upstream, currentTraffic) }
        return nil
    }

    func trafficSlot(ifKnown instance: InstanceID) -> Int? {
        trafficIndex[instance]
    }

    private mutating func trafficSlot(for instance: InstanceID) -> Int {
        if let index = trafficIndex[instance] { return index }
        traffic.append(InstanceStats(instance: instance))
        trafficIndex[instance] = traffic.count - 1
        return traffic.count - 1
    }
}

/// One loop's figures for one listener, merged by `ReverseProxy.stats()` over the loops.
struct ListenerShardSnapshot: Sendable {
    var rejectedConnections: Int
    var noUpstream: Int
    var fellBack: Int
    var refusedRequests: [RequestRefusalKind: Int]
    var injectedErrors: Int
    var instances: [InstanceStats]
}
