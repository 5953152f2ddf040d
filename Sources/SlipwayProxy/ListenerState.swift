import NIOCore

/// Everything one listener knows, confined to the listener's event loop.
///
/// A listener and all its client and upstream channels share one event loop, so the routing
/// decision on every connection or request reads plain properties: no lock, no atomic.
final class ListenerState {
    let config: ListenerConfig
    let eventLoop: any EventLoop
    let accessLog: AccessLogSink?
    var boundPort = 0
    private(set) var upstream: Upstream?
    private(set) var openConnections = 0
    private(set) var rejectedConnections = 0
    var noUpstream = 0
    var refusedRequests: [RequestRefusalKind: Int] = [:]
    private var traffic: [InstanceID: InstanceTraffic] = [:]
    private var pools: [InstanceID: UpstreamPool] = [:]
    private var clients: [ObjectIdentifier: any Channel] = [:]
    /// The current instance's entries, kept at hand so routing a request needs no dictionary lookup.
    private var currentTraffic: InstanceTraffic?
    private var currentPool: UpstreamPool?

    init(config: ListenerConfig, eventLoop: any EventLoop, accessLog: AccessLogSink?) {
        self.config = config
        self.eventLoop = eventLoop
        self.accessLog = accessLog
    }

    func traffic(for instance: InstanceID) -> InstanceTraffic {
        if let current = currentTraffic, current.stats.instance == instance { return current }
        if let existing = traffic[instance] { return existing }
        let created = InstanceTraffic(instance: instance)
        traffic[instance] = created
        return created
    }

    func pool(for instance: InstanceID) -> UpstreamPool {
        if let current = currentPool, instance == upstream?.instance { return current }
        if let existing = pools[instance] { return existing }
        let created = UpstreamPool()
        pools[instance] = created
        return created
    }

    /// Whether an idle upstream connection to `instance` may be kept for reuse.
    func isCurrent(_ instance: InstanceID) -> Bool {
        upstream?.instance == instance
    }

    /// Routes new traffic to `next`; idle pooled connections to the previous upstream are closed
    /// so that, once its in-flight requests end, nothing of the listener points at it any more.
    func switchUpstream(to next: Upstream?) -> Upstream? {
        let previous = upstream
        upstream = nil
        currentTraffic = nil
        currentPool = nil
        // An instance given a new address (restarted on another port) must not get requests on
        // pooled connections to its old one.
        if let previous, previous != next {
            pools.removeValue(forKey: previous.instance)?.closeIdle()
        }
        if let next {
            currentTraffic = traffic(for: next.instance)
            currentPool = pool(for: next.instance)
        }
        upstream = next
        return previous
    }

    /// Counts a new client connection, or refuses it when the listener is at its limit.
    func admit(_ channel: any Channel) -> Bool {
        guard openConnections < config.limits.maxConnections else {
            rejectedConnections += 1
            return false
        }
        openConnections += 1
        let id = ObjectIdentifier(channel)
        clients[id] = channel
        channel.closeFuture.assumeIsolated().whenComplete { _ in
            self.openConnections -= 1
            self.clients[id] = nil
        }
        return true
    }

    /// Resolves with nil once `instance` carries nothing on this listener, or, when `deadline`
    /// passes first, with the number of connections closed to end its traffic.
    func drain(_ instance: InstanceID, deadline: NIODeadline) -> EventLoopFuture<Int?> {
        guard let traffic = traffic[instance], traffic.stats.active > 0 else {
            return eventLoop.makeSucceededFuture(nil)
        }
        let promise = eventLoop.makePromise(of: Int?.self)
        let settlement = DrainSettlement(promise: promise)
        let timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            // Settled before closing: closing ends the traffic, which would report "drained".
            settlement.settle(traffic.openChannelCount)
            traffic.closeAll()
        }
        traffic.whenIdle(on: eventLoop).assumeIsolated().whenSuccess {
            timer.cancel()
            settlement.settle(nil)
        }
        return promise.futureResult
    }

    func closeAllConnections() {
        for pool in pools.values { pool.closeIdle() }
        for client in clients.values { client.close(promise: nil) }
    }

    func snapshot() -> (ListenerStats, [InstanceStats]) {
        var listener = ListenerStats(key: config.key, boundPort: boundPort, mode: config.mode)
        listener.upstream = upstream
        listener.openConnections = openConnections
        listener.rejectedConnections = rejectedConnections
        listener.noUpstream = noUpstream
        listener.refusedRequests = refusedRequests
        return (listener, traffic.values.map(\.stats))
    }
}

/// Completes a drain's promise once, whichever of "idle" and "deadline" comes first.
private final class DrainSettlement {
    private var promise: EventLoopPromise<Int?>?

    init(promise: EventLoopPromise<Int?>) {
        self.promise = promise
    }

    func settle(_ closed: Int?) {
        promise?.succeed(closed)
        promise = nil
    }
}
