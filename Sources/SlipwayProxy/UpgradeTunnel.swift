import NIOCore

/// Turns an upgraded HTTP exchange (WebSocket and the like) into a byte tunnel.
///
/// Both pipelines lose their HTTP handlers and are glued together; bytes the client sent right
/// after its upgrade request were held by the exchange and already went to the instance.
enum UpgradeTunnel {
    static func install(client: any Channel, upstream: any Channel, traffic: InstanceTraffic, ended: @escaping () -> Void, idleWatch: IdleWatch) {
        let (clientSide, upstreamSide) = GlueHandler.matchedPair(
            clientBytesRead: { traffic.stats.bytesIn += Int64($0) },
            upstreamBytesRead: { traffic.stats.bytesOut += Int64($0) },
            ended: ended,
            idleWatch: idleWatch
        )
        do {
            let clientPipeline = client.pipeline.syncOperations
            let upstreamPipeline = upstream.pipeline.syncOperations
            // A tunnel ends when either side ends: no half-open WebSocket waiting for the idle timeout.
            try client.syncOptions?.setOption(.allowRemoteHalfClosure, value: false)
            try clientPipeline.addHandler(clientSide)
            try upstreamPipeline.addHandler(upstreamSide)
            try remove(HTTPExchangeHandler.self, from: clientPipeline)
            try remove(UpstreamConnection.self, from: upstreamPipeline)
            // The exchange handler held the client's reads back while the upgrade was pending.
            client.read()
            upstream.read()
        } catch {
            ended()
            client.close(promise: nil)
            upstream.close(promise: nil)
        }
    }

    private static func remove<Handler: RemovableChannelHandler>(
        _ type: Handler.Type,
        from pipeline: ChannelPipeline.SynchronousOperations
    ) throws {
        let handler = try pipeline.handler(type: type)
        pipeline.removeHandler(handler, promise: nil)
    }
}
