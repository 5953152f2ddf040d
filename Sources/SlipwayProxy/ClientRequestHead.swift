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
    /// For an absolute-form target (`http://host/x`), where its authority and the rest lie in
    /// `raw`: the instance gets the origin form and a `Host` taken from the authority (RFC 9112 §3.2.2).
    var absoluteForm: AbsoluteFormTarget?

    var method: String { raw.getString(at: raw.readerIndex, length: methodLength) ?? "" }
    var target: String { raw.getString(at: raw.readerIndex + methodLength + 1, length: targetLength) ?? "" }
    /// RFC 9110 §9.2.2: sending it twice has the effect of sending it once, so a request the
    /// instance may have received before failing can go to another one.
    var isIdempotent: Bool {
        raw.withUnsafeReadableBytes { bytes in
            let method = bytes.prefix(methodLength)
            return Self.idempotentMethods.contains { $0.elementsEqual(method) }
        }
    }

    private static let idempotentMethods: [[UInt8]] = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"].map { Array($0.utf8) }

    /// HTTP/1.1 clients take chunked bodies; HTTP/1.0 clients get them de-chunked and close-delimited.
    var supportsChunking: Bool { minorVersion >= 1 }
}

/// Offsets in a head's raw bytes of an absolute-form target's parts.
struct AbsoluteFormTarget: Equatable {
    var authorityStart: Int
    var authorityLength: Int
    /// Where the path (or query) starts; equal to the target's end when both are empty.
    var pathStart: Int
}

/// What `ClientRequestParser` finds in a client's byte stream.
enum ClientRequestEvent {
    case head(ClientRequestHead)
    /// Body bytes, verbatim (chunk framing included).
    case body(ByteBuffer)
    /// The request is complete.
    case end
}

/// A request the proxy refuses to forward: its kind decides the status, the reason is for the
/// client's short answer, the access log and tests.
struct ClientRequestError: Error, Equatable {
    var kind: RequestRefusalKind
    var reason: String

    static let headTooLarge = ClientRequestError(kind: .headTooLarge, reason: "the request head is too large")
    static let bareLineFeed = ClientRequestError(kind: .bareLineFeed, reason: "a line of the head ends in a bare LF")
    static let malformedChunkedBody = ClientRequestError(kind: .malformedChunkedBody, reason: "a malformed chunked body")

    static func malformed(_ reason: String) -> ClientRequestError {
        ClientRequestError(kind: .malformedHead, reason: reason)
    }
}
