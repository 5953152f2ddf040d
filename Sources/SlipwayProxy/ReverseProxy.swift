#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Slipway's reverse proxy: one listener per published port, each forwarding to the instance the
/// runtime last chose for it.
///
/// TCP-mode listeners are served by the proxy's own loop threads (`ProxyLoopGroup`): every loop
/// accepts on every such listener and keeps each connection it accepted for the connection's
/// life. HTTP-mode listeners each live on one event loop of `eventLoopGroup`, together with all
/// their client and upstream connections. Either way forwarding never crosses threads or takes
/// a lock.
public actor ReverseProxy {
    private let group: any EventLoopGroup
    private let accessLog: AccessLogSink?
    private let loopThreads: Int?
    private var loopGroup: ProxyLoopGroup?
    private var listeners: [ListenerKey: ListenerHandle] = [:]
    private var loopListeners: [ListenerKey: LoopListenerEntry] = [:]
    private var accessLogFlusher: RepeatedTask?
    private var isShutDown = false

    /// `loopThreads`: how many threads serve TCP-mode listeners, one per core when nil; they
    /// start with the first such listener.
    public init(eventLoopGroup: any EventLoopGroup, accessLog: AccessLogSink? = nil, loopThreads: Int? = nil) {
        self.group = eventLoopGroup
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
        guard listeners[config.key] == nil, loopListeners[config.key] == nil else {
            throw ProxyError.listenerExists(config.key)
        }
        if config.mode == .tcp { return try await addLoopListener(config) }
        let eventLoop = group.next()
        let accessLog = self.accessLog
        let state = try await eventLoop.submit {
            NIOLoopBound(ListenerState(config: config, eventLoop: eventLoop, accessLog: accessLog), eventLoop: eventLoop)
        }.get()
        let channel = try await bind(config, on: eventLoop, state: state)
        let boundPort = channel.localAddress?.port ?? config.port
        try await eventLoop.submit { state.value.boundPort = boundPort }.get()
        let listener = Listener(key: config.key, host: config.host, boundPort: boundPort, mode: config.mode)
        listeners[config.key] = ListenerHandle(listener: listener, serverChannel: channel, state: state)
        return listener
    }

    /// Routes new TCP connections or new HTTP requests of the listener to `upstream` (nil: none,
    /// so clients get a 502 or a closed connection). Returns the upstream it replaces.
    /// Traffic already in flight keeps going to the previous instance; `drain` waits for it.
    @discardableResult
    public func setUpstream(_ upstream: Upstream?, for key: ListenerKey) async throws -> Upstream? {
        if var entry = loopListeners[key], let loopGroup {
            // Decided before the first suspension; the version makes every loop keep the latest
            // of two switches that overlap, whatever order their messages reach it in.
            let previous = entry.upstream
            entry.upstream = upstream
            entry.routeVersion += 1
            loopListeners[key] = entry
            await loopGroup.route(entry.listener, to: upstream.map(RoutedUpstream.init), version: entry.routeVersion)
            return previous
        }
        let handle = try handle(for: key)
        return try await handle.withState { $0.switchUpstream(to: upstream) }
    }

    public func upstream(for key: ListenerKey) async throws -> Upstream? {
        if let entry = loopListeners[key] { return entry.upstream }
        let handle = try handle(for: key)
        return try await handle.withState { $0.upstream }
    }

    public func listener(for key: ListenerKey) -> Listener? {
        listeners[key]?.listener ?? loopListeners[key]?.public
    }

    /// Suspends until `instance` carries no connection or request on any listener, or until
    /// `timeout` passes, in which case whatever it still carries is closed.
    public func drain(instance: InstanceID, timeout: Duration) async -> DrainOutcome {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        var closed: Int?
        for handle in listeners.values {
            let state = handle.state
            let future = handle.eventLoop.flatSubmit { state.value.drain(instance, deadline: deadline) }
            if let closedHere = (try? await future.get()) ?? nil {
                closed = (closed ?? 0) + closedHere
            }
        }
        if let loopGroup, !loopListeners.isEmpty {
            let loopDeadline = LoopClock.nowNanoseconds() + LoopClock.nanoseconds(timeout)
            if let closedHere = await loopGroup.drain(instance, deadline: loopDeadline) {
                closed = (closed ?? 0) + closedHere
            }
        }
        return closed.map { .timedOut(closedConnections: $0) } ?? .drained
    }

    /// Every listener's and every instance's counters, instances summed over listeners.
    public func stats() async -> ProxyStats {
        var listenerStats: [ListenerStats] = []
        var byInstance: [InstanceID: InstanceStats] = [:]
        for handle in listeners.values {
            guard let (listenerOnly, instances) = try? await handle.withState({ $0.snapshot() }) else { continue }
            var listener = listenerOnly
            listener.instances = instances.sorted { $0.instance < $1.instance }
            listenerStats.append(listener)
            for stats in instances {
                byInstance[stats.instance, default: InstanceStats(instance: stats.instance)].merge(stats)
            }
        }
        for entry in loopListeners.values {
            guard let listener = await loopStats(entry) else { continue }
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
        if let entry = loopListeners.removeValue(forKey: key) {
            await loopGroup?.removeListener(entry.listener)
            return
        }
        guard let handle = listeners.removeValue(forKey: key) else { return }
        await close(handle)
    }

    /// Closes every listener and connection and flushes the access log.
    public func shutdown() async {
        isShutDown = true
        let handles = listeners.values
        listeners = [:]
        for handle in handles { await close(handle) }
        let loopEntries = loopListeners.values
        let stoppingLoops = loopGroup
        loopListeners = [:]
        loopGroup = nil
        for entry in loopEntries { await stoppingLoops?.removeListener(entry.listener) }
        await stoppingLoops?.shutdown()
        accessLogFlusher?.cancel()
        accessLogFlusher = nil
        accessLog?.flush()
    }

    private func close(_ handle: ListenerHandle) async {
        try? await handle.serverChannel.close()
        _ = try? await handle.withState { $0.closeAllConnections() }
    }

    private func addLoopListener(_ config: ListenerConfig) async throws -> Listener {
        let loopGroup = try self.loopGroup ?? startLoops()
        let listener = try LoopListener(config: config)
        await loopGroup.addListener(listener)
        let entry = LoopListenerEntry(
            listener: listener,
            public: Listener(key: config.key, host: config.host, boundPort: listener.boundPort, mode: config.mode)
        )
        loopListeners[config.key] = entry
        return entry.public
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

    /// A loop-served listener's figures, summed over the loops.
    private func loopStats(_ entry: LoopListenerEntry) async -> ListenerStats? {
        guard let loopGroup else { return nil }
        let snapshots = await loopGroup.snapshots(of: entry.listener)
        var stats = ListenerStats(key: entry.public.key, boundPort: entry.public.boundPort, mode: entry.public.mode)
        stats.upstream = entry.upstream
        stats.openConnections = entry.listener.openConnections.load(ordering: .relaxed)
        var byInstance: [InstanceID: InstanceStats] = [:]
        for snapshot in snapshots {
            stats.rejectedConnections += snapshot.rejectedConnections
            stats.noUpstream += snapshot.noUpstream
            for instance in snapshot.instances {
                byInstance[instance.instance, default: InstanceStats(instance: instance.instance)].merge(instance)
            }
        }
        stats.instances = byInstance.values.sorted { $0.instance < $1.instance }
        return stats
    }

    private func handle(for key: ListenerKey) throws -> ListenerHandle {
        guard let handle = listeners[key] else { throw ProxyError.unknownListener(key) }
        return handle
    }

    private func bind(
        _ config: ListenerConfig,
        on eventLoop: any EventLoop,
        state: NIOLoopBound<ListenerState>
    ) async throws -> any Channel {
        let bootstrap = ServerBootstrap(group: eventLoop)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // A client that sent its request and then closed its sending side is still answered.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try ConnectionAcceptor.accept(channel, state: state.value)
                }
            }
        do {
            return try await bootstrap.bind(host: config.host, port: config.port).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ProxyError.portInUse(host: config.host, port: config.port)
        } catch {
            throw ProxyError.bindFailed(host: config.host, port: config.port, reason: "\(error)")
        }
    }
}

/// A listener served by the proxy's loops, as the proxy's actor keeps it.
private struct LoopListenerEntry {
    let listener: LoopListener
    let `public`: Listener
    var upstream: Upstream?
    var routeVersion = 0
}
