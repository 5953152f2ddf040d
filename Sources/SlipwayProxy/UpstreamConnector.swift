import NIOCore
import NIOPosix

/// Opens connections to upstream instances on the listener's own event loop.
enum UpstreamConnector {
    static func connect(
        to upstream: Upstream,
        on eventLoop: any EventLoop,
        timeout: Duration,
        halfClosure: Bool,
        autoRead: Bool
    ) -> EventLoopFuture<any Channel> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.allowRemoteHalfClosure, value: halfClosure)
            .channelOption(.autoRead, value: autoRead)
        if let address = try? SocketAddress(ipAddress: upstream.host, port: upstream.port) {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: upstream.host, port: upstream.port)
    }

    /// Sorts a failed connection attempt into the kind counted in the stats.
    static func errorKind(of error: any Error) -> ProxyErrorKind {
        if case ChannelError.connectTimeout = error { return .connectTimeout }
        if let error = error as? NIOConnectionError,
            error.connectionErrors.contains(where: { if case ChannelError.connectTimeout = $0.error { true } else { false } })
        {
            return .connectTimeout
        }
        return .connectFailed
    }
}
