import NIOCore

/// One request in flight through an `HTTPConnection`, from its head arriving to its response
/// ending. A value in its connection: no allocation of its own per request.
struct HTTPExchange {
    /// Where the request goes; the listener's fallback once the first instance failed it.
    private(set) var route: HTTPRoute
    /// The head as the instance gets it, kept for the once-only retry on a fresh connection.
    let upstreamHead: ByteBuffer
    /// Read only by the access log; empty when there is none, so no request pays for them otherwise.
    let method: String
    let target: String
    let isHeadRequest: Bool
    let clientSupportsChunking: Bool
    let clientKeepAlive: Bool
    let isUpgrade: Bool
    let isIdempotent: Bool
    /// The loop's clock when the head arrived.
    let started: UInt64

    var reusedConnection = false
    var retried = false
    private(set) var fellBack = false
    var requestEnded = false
    var responseStarted = false
    var upstreamKeepAlive = false
    var closeClientAfter = false
    var bodyFraming = ClientBodyFraming.verbatim
    var status = 0
    /// Request body bytes handed to the instance's connection.
    var bodyBytesWritten: Int64 = 0
    var bytesIn: Int64 = 0
    var bytesOut: Int64 = 0
    /// When the instance must have started its response; set once the request is fully sent.
    var responseDeadline: UInt64?
    /// A drain that timed out closed the instance's connection under this exchange.
    var closedByDrain = false

    init(route: HTTPRoute, head: ClientRequestHead, upstreamHead: ByteBuffer, isLogged: Bool, started: UInt64) {
        self.route = route
        self.upstreamHead = upstreamHead
        method = isLogged ? head.method : ""
        target = isLogged ? head.target : ""
        isHeadRequest = head.isHeadRequest
        clientSupportsChunking = head.supportsChunking
        clientKeepAlive = head.keepAlive && !head.isUpgrade
        isUpgrade = head.isUpgrade
        isIdempotent = head.isIdempotent
        self.started = started
    }

    /// Whether the listener's fallback may take the request after its instance failed it: once,
    /// before any response byte and any request body byte went out, and, when the instance may
    /// have received the request (`sent`), only if sending it twice does no harm.
    func mayFallBack(sent: Bool) -> Bool {
        !fellBack && !responseStarted && bodyBytesWritten == 0 && !closedByDrain && !isUpgrade && (!sent || isIdempotent)
    }

    /// Moves the request to `fallback`; a retry there starts afresh.
    mutating func fallBack(to fallback: HTTPRoute) {
        route = fallback
        fellBack = true
        reusedConnection = false
        retried = false
    }

    /// Whether a failure of the attached connection may be hidden by sending the request again:
    /// only on a connection reused from the pool, only once, only before any response byte
    /// and any request body byte went out, so the instance cannot have acted on it.
    var mayRetry: Bool {
        reusedConnection && !retried && !responseStarted && bodyBytesWritten == 0 && !closedByDrain
    }
}
