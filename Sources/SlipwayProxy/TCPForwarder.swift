import NIOCore

/// Serves one accepted client connection in TCP mode: connects to the current instance and
/// glues the two channels together.
enum TCPForwarder {
    /// Called on the listener's event loop while the client channel is being initialised.
    /// The client channel starts with auto-read off, so nothing is read before the upstream is there;
    /// until then the connect timeout bounds the connection, and afterwards the glue's idle watch.
    static func start(client: any Channel, state: ListenerState) {
        guard let upstream = state.upstream else {
            state.noUpstream += 1
            client.close(promise: nil)
            return
        }
        let traffic = state.traffic(for: upstream.instance)
        let lease = TrafficLease(traffic)
        traffic.stats.connections += 1
        traffic.track(client)
        client.closeFuture.assumeIsolated().whenComplete { _ in lease.end() }

        let started = NIODeadline.now()
        UpstreamConnector.connect(
            to: upstream,
            on: client.eventLoop,
            timeout: state.config.limits.connectTimeout,
            halfClosure: true,
            autoRead: false
        ).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let upstreamChannel):
                traffic.stats.latency.record(microseconds: (NIODeadline.now() - started).nanoseconds / 1000)
                glue(client: client, upstream: upstreamChannel, traffic: traffic, lease: lease, idleTimeout: state.config.limits.idleTimeout)
            case .failure(let error):
                traffic.recordError(UpstreamConnector.errorKind(of: error))
                lease.end()
                client.close(promise: nil)
            }
        }
    }

    private static func glue(
        client: any Channel,
        upstream: any Channel,
        traffic: InstanceTraffic,
        lease: TrafficLease,
        idleTimeout: Duration
    ) {
        guard client.isActive else {
            upstream.close(promise: nil)
            return
        }
        let idleWatch = IdleWatch(timeout: idleTimeout)
        idleWatch.start(closing: client)
        let (clientSide, upstreamSide) = GlueHandler.matchedPair(
            clientBytesRead: { traffic.stats.bytesIn += Int64($0) },
            upstreamBytesRead: { traffic.stats.bytesOut += Int64($0) },
            ended: lease.end,
            idleWatch: idleWatch
        )
        do {
            try client.pipeline.syncOperations.addHandler(clientSide)
            try upstream.pipeline.syncOperations.addHandler(upstreamSide)
            try client.syncOptions?.setOption(.autoRead, value: true)
            try upstream.syncOptions?.setOption(.autoRead, value: true)
        } catch {
            lease.end()
            client.close(promise: nil)
            upstream.close(promise: nil)
        }
    }
}
