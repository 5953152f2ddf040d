import NIOCore

/// How a request body is delimited.
enum RequestFraming: Equatable {
    case none
    case contentLength(Int)
    case chunked
}

/// A client's request head as the proxy needs it; `raw` holds its bytes as the client sent them.
struct ClientRequestHead {
    var minorVersion: Int
    var keepAlive: Bool
    var framing: RequestFraming
    /// The client asks to switch protocols (`Connection: upgrade` with an `Upgrade` header).
    var isUpgrade: Bool
    var raw: ByteBuffer
    var isHeadRequest: Bool
    /// Where method and target lie in `raw`: they become strings only when asked for (the
    /// access log), not on every request.
    var methodLength: Int
    var targetLength: Int

    var method: String { raw.getString(at: raw.readerIndex, length: methodLength) ?? "" }
    var target: String { raw.getString(at: raw.readerIndex + methodLength + 1, length: targetLength) ?? "" }
    /// HTTP/1.1 clients take chunked bodies; HTTP/1.0 clients get them de-chunked and close-delimited.
    var supportsChunking: Bool { minorVersion >= 1 }
}

/// What `ClientRequestParser` finds in a client's byte stream.
enum ClientRequestEvent {
    case head(ClientRequestHead)
    /// Body bytes, verbatim (chunk framing included).
    case body(ByteBuffer)
    /// The request is complete.
    case end
}

/// A request the proxy refuses to forward.
enum ClientRequestError: Error, Equatable {
    /// Answered 431.
    case headTooLarge
    /// Answered 400; the reason is for the access log and tests.
    case malformed(String)
}
