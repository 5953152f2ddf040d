import NIOCore

/// One request in flight through the proxy, from its head arriving to its response ending.
final class Exchange {
    let upstream: Upstream
    let traffic: InstanceTraffic
    /// The head as the instance gets it.
    let upstreamHead: ByteBuffer
    /// Read only by the access log; empty when there is none, so no request pays for them otherwise.
    let method: String
    let target: String
    let isHeadRequest: Bool
    let clientSupportsChunking: Bool
    let clientKeepAlive: Bool
    let isUpgrade: Bool
    let started: NIODeadline

    var connection: UpstreamConnection?
    /// Body bytes that arrived from the client while no upstream connection was attached yet.
    var pendingBody: [ByteBuffer] = []
    var reusedConnection = false
    var retried = false
    var requestEnded = false
    var responseStarted = false
    var upstreamKeepAlive = false
    var closeClientAfter = false
    var bodyFraming = ClientBodyFraming.verbatim
    /// The instance accepted an upgrade; the connection becomes a tunnel.
    var switchingProtocols = false
    var status = 0
    var bodyBytesWritten: Int64 = 0
    var bytesIn: Int64 = 0
    var bytesOut: Int64 = 0
    /// When the instance must have started its response; set once the request is fully sent.
    var responseDeadline: NIODeadline?

    init(upstream: Upstream, traffic: InstanceTraffic, head: ClientRequestHead, upstreamHead: ByteBuffer, isLogged: Bool) {
        self.upstream = upstream
        self.traffic = traffic
        self.upstreamHead = upstreamHead
        self.method = isLogged ? head.method : ""
        self.target = isLogged ? head.target : ""
        self.isHeadRequest = head.isHeadRequest
        self.clientSupportsChunking = head.supportsChunking
        self.clientKeepAlive = head.keepAlive && !head.isUpgrade
        self.isUpgrade = head.isUpgrade
        self.started = .now()
    }

    /// Whether a failure of the attached connection may be hidden by sending the request again:
    /// only on a connection reused from the pool, only once, only before any response byte
    /// and any request body byte went out, so the instance cannot have acted on it.
    var mayRetry: Bool {
        reusedConnection && !retried && !responseStarted && bodyBytesWritten == 0 && !traffic.closedByDrain
    }

    var elapsedMicroseconds: Int64 {
        (NIODeadline.now() - started).nanoseconds / 1000
    }
}
