#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Slipway's reverse proxy: one listener per published port, each forwarding to the instance the
/// runtime last chose for it.
///
/// Listeners of both modes are served by the proxy's own loop threads (`ProxyLoopGroup`): every
/// loop accepts on every listener and keeps each connection it accepted, and the connections to
/// instances it opened for it, for the connection's life. Forwarding never crosses threads or
/// takes a lock. `eventLoopGroup` only flushes the access log.
public actor ReverseProxy {
    private let accessLog: AccessLogSink?
    private let loopThreads: Int?
    private var loopGroup: ProxyLoopGroup?
    private var listeners: [ListenerKey: LoopListenerEntry] = [:]
    private var accessLogFlusher: RepeatedTask?
    private var isShutDown = false

    /// `loopThreads`: how many threads serve the listeners, one per core when nil; they start
    /// with the first listener.
    public init(eventLoopGroup: any EventLoopGroup, accessLog: AccessLogSink? = nil, loopThreads: Int? = nil) {
        self.accessLog = accessLog
        self.loopThreads = loopThreads
        if let accessLog {
            accessLogFlusher = eventLoopGroup.next().scheduleRepeatedTask(
                initialDelay: .milliseconds(500),
                delay: .milliseconds(500)
            ) { _ in accessLog.flush() }
        }
    }

    /// Binds a listener. Port 0 picks a free port; read it from the returned `Listener.boundPort`.
    public func addListener(_ config: ListenerConfig) async throws -> Listener {
        guard !isShutDown else { throw ProxyError.shutDown }
        guard listeners[config.key] == nil else { throw ProxyError.listenerExists(config.key) }
        let loopGroup = try self.loopGroup ?? startLoops()
        let listener = try LoopListener(config: config, accessLog: config.mode == .http ? accessLog : nil)
        return await register(listener, config: config, in: loopGroup)
    }

    /// Serves `descriptor`, a socket already bound and listening, as a listener: one made where
    /// the proxy cannot bind, such as inside an instance's own network namespace (a socket keeps
    /// the namespace it was made in). The proxy owns it from the call on, closing it on failure
    /// too. `config.host` and `config.port` only describe it.
    public func addListener(_ config: ListenerConfig, adopting descriptor: Int32) async throws -> Listener {
        guard !isShutDown, listeners[config.key] == nil else {
            _ = close(descriptor)
            throw isShutDown ? ProxyError.shutDown : ProxyError.listenerExists(config.key)
        }
        let loopGroup: ProxyLoopGroup
        do {
            loopGroup = try self.loopGroup ?? startLoops()
        } catch {
            _ = close(descriptor)
            throw error
        }
        let listener = try LoopListener(config: config, adopting: descriptor, accessLog: config.mode == .http ? accessLog : nil)
        return await register(listener, config: config, in: loopGroup)
    }

    private func register(_ listener: LoopListener, config: ListenerConfig, in loopGroup: ProxyLoopGroup) async -> Listener {
        await loopGroup.addListener(listener)
        let entry = LoopListenerEntry(
            listener: listener,
            public: Listener(key: config.key, host: config.host, boundPort: listener.boundPort, mode: config.mode)
        )
        listeners[config.key] = entry
        return entry.public
    }

    /// Routes new TCP connections or new HTTP requests of the listener to `upstream` (nil: none,
    /// so clients get a 502 or a closed connection). Returns the upstream it replaces.
    /// Traffic already in flight keeps going to the previous instance; `drain` waits for it.
    ///
    /// `fallback` (the previous version kept warm after a deploy) takes what `upstream` fails
    /// before it could have acted on it, as nginx's `backup` server with `proxy_next_upstream`:
    /// a connection or request whose connect is refused, and an idempotent request without a
    /// body whose connection ends before any response byte. Each switch names its own fallback;
    /// nil (the default) clears it, so none outlives the instance it names. Traffic still on an
    /// instance switched away from falls back, under the same rules, to the one routed to now.
    @discardableResult
    public func setUpstream(_ upstream: Upstream?, fallback: Upstream? = nil, for key: ListenerKey) async throws -> Upstream? {
        guard let entry = listeners[key], loopGroup != nil else { throw ProxyError.unknownListener(key) }
        await setRoutes([key: ListenerRoute(upstream: upstream, fallback: fallback)])
        return entry.upstream
    }

    /// Sets several listeners' routes (`setUpstream`'s rules) in one round through the loops,
    /// the loops at the same time, so a service's listeners switch together and a switch costs
    /// one hop to each loop however many ports the service has. Returns the keys it does not know.
    @discardableResult
    public func setRoutes(_ routes: [ListenerKey: ListenerRoute]) async -> [ListenerKey] {
        guard let loopGroup else { return Array(routes.keys) }
        var unknown: [ListenerKey] = []
        var batch: [LoopRoute] = []
        for (key, route) in routes {
            // Decided before the first suspension; the version makes every loop keep the latest
            // of two switches that overlap, whatever order their messages reach it in.
            guard var entry = listeners[key] else {
                unknown.append(key)
                continue
            }
            entry.upstream = route.upstream
            entry.fallback = route.fallback
            entry.routeVersion += 1
            listeners[key] = entry
            batch.append(LoopRoute(
                listener: entry.listener, upstream: route.upstream.map(RoutedUpstream.init),
                fallback: route.fallback.map(RoutedUpstream.init), version: entry.routeVersion
            ))
        }
        if !batch.isEmpty { await loopGroup.route(batch) }
        return unknown
    }

    /// Injects `fault` into the listener's new requests (HTTP) or connections (TCP), in place of
    /// the one before (`ListenerFault.none` clears it). The fault stays across `setUpstream`.
    public func setFault(_ fault: ListenerFault, for key: ListenerKey) async throws {
        guard var entry = listeners[key], let loopGroup else { throw ProxyError.unknownListener(key) }
        entry.fault = fault
        entry.faultVersion += 1
        listeners[key] = entry
        entry.listener.faultSampler.restart()
        await loopGroup.setFault(entry.listener, to: LoopFault(fault, version: entry.faultVersion))
    }

    public func fault(for key: ListenerKey) throws -> ListenerFault {
        guard let entry = listeners[key] else { throw ProxyError.unknownListener(key) }
        return entry.fault
    }

    public func upstream(for key: ListenerKey) async throws -> Upstream? {
        guard let entry = listeners[key] else { throw ProxyError.unknownListener(key) }
        return entry.upstream
    }

    public func listener(for key: ListenerKey) -> Listener? {
        listeners[key]?.public
    }

    /// Suspends until `instance` carries no connection or request on any listener, or until
    /// `timeout` passes, in which case whatever it still carries is closed.
    public func drain(instance: InstanceID, timeout: Duration) async -> DrainOutcome {
        guard let loopGroup, !listeners.isEmpty else { return .drained }
        let deadline = LoopClock.nowNanoseconds() + LoopClock.nanoseconds(timeout)
        guard let closed = await loopGroup.drain(instance, deadline: deadline) else { return .drained }
        return .timedOut(closedConnections: closed)
    }

    /// Every listener's and every instance's counters, instances summed over listeners.
    public func stats() async -> ProxyStats {
        var listenerStats: [ListenerStats] = []
        var byInstance: [InstanceID: InstanceStats] = [:]
        for entry in listeners.values {
            guard let listener = await stats(of: entry) else { continue }
            listenerStats.append(listener)
            for stats in listener.instances {
                byInstance[stats.instance, default: InstanceStats(instance: stats.instance)].merge(stats)
            }
        }
        return ProxyStats(
            listeners: listenerStats.sorted { $0.key.description < $1.key.description },
            instances: byInstance.values.sorted { $0.instance < $1.instance }
        )
    }

    /// Stops accepting on the listener and closes its connections.
    public func removeListener(_ key: ListenerKey) async {
        guard let entry = listeners.removeValue(forKey: key) else { return }
        await loopGroup?.removeListener(entry.listener)
    }

    /// Closes every listener and connection and flushes the access log.
    public func shutdown() async {
        isShutDown = true
        let entries = listeners.values
        let stoppingLoops = loopGroup
        listeners = [:]
        loopGroup = nil
        for entry in entries { await stoppingLoops?.removeListener(entry.listener) }
        await stoppingLoops?.shutdown()
        accessLogFlusher?.cancel()
        accessLogFlusher = nil
        accessLog?.flush()
    }

    private func startLoops() throws -> ProxyLoopGroup {
        do {
            let started = try ProxyLoopGroup(threads: loopThreads)
            loopGroup = started
            return started
        } catch {
            throw ProxyError.bindFailed(host: "", port: 0, reason: error.description)
        }
    }

    /// A listener's figures, summed over the loops.
    private func stats(of entry: LoopListenerEntry) async -> ListenerStats? {
        guard let loopGroup else { return nil }
        let snapshots = await loopGroup.snapshots(of: entry.listener)
        var stats = ListenerStats(key: entry.public.key, boundPort: entry.public.boundPort, mode: entry.public.mode)
        stats.upstream = entry.upstream
        stats.fallback = entry.fallback
        stats.fault = entry.fault
        stats.openConnections = entry.listener.openConnections.load(ordering: .relaxed)
        var byInstance: [InstanceID: InstanceStats] = [:]
        for snapshot in snapshots {
            stats.rejectedConnections += snapshot.rejectedConnections
            stats.noUpstream += snapshot.noUpstream
            stats.fellBack += snapshot.fellBack
            stats.injectedErrors += snapshot.injectedErrors
            stats.refusedRequests.merge(snapshot.refusedRequests, uniquingKeysWith: +)
            for instance in snapshot.instances {
                byInstance[instance.instance, default: InstanceStats(instance: instance.instance)].merge(instance)
            }
        }
        stats.instances = byInstance.values.sorted { $0.instance < $1.instance }
        return stats
    }
}

/// A listener as the proxy's actor keeps it.
private struct LoopListenerEntry {
    let listener: LoopListener
    let `public`: Listener
    var upstream: Upstream?
    var fallback: Upstream?
    var routeVersion = 0
    var fault = ListenerFault.none
    var faultVersion = 0
}
