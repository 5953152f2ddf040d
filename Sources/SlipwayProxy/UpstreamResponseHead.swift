import NIOCore

/// How a response body is delimited.
enum ResponseFraming: Equatable {
    case none
    case contentLength(Int)
    case chunked
    /// HTTP/1.0 style: the body ends when the instance closes the connection.
    case untilClose
    /// 101 Switching Protocols: everything after the head belongs to the new protocol.
    case tunnel
}

/// A parsed response head; `raw` holds its bytes exactly as the instance sent them.
struct UpstreamResponseHead {
    var status: Int
    /// The instance asked to close (Connection: close, or HTTP/1.0 without keep-alive).
    var closeRequested: Bool
    var framing: ResponseFraming
    var raw: ByteBuffer
    /// Header lines that stay with the instance's connection (RFC 9110 §7.6.1), Transfer-Encoding not counted.
    var hopByHopLines = 0
    var transferEncodingLines = 0
    /// A Connection header lists header names besides `close` and `keep-alive`: those are hop-by-hop too.
    var connectionNamesHeaders = false

    /// Whether the connection can carry another request after this response.
    var keepAlive: Bool { !closeRequested && framing != .untilClose }

    var isInformational: Bool { status >= 100 && status < 200 && status != 101 }
}
