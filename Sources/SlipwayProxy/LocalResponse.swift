import NIOCore

/// A response the proxy writes itself (502, 504, and the 4xx/501 refusing a request), with a
/// short plain-text body naming the service or the reason.
struct LocalResponse {
    struct Status {
        var code: Int
        var reasonPhrase: String

        static let badRequest = Status(code: 400, reasonPhrase: "Bad Request")
        static let requestHeaderFieldsTooLarge = Status(code: 431, reasonPhrase: "Request Header Fields Too Large")
        static let notImplemented = Status(code: 501, reasonPhrase: "Not Implemented")
        static let badGateway = Status(code: 502, reasonPhrase: "Bad Gateway")
        static let gatewayTimeout = Status(code: 504, reasonPhrase: "Gateway Timeout")
    }

    var status: Status
    var message: String

    static func noInstance(service: String) -> LocalResponse {
        LocalResponse(status: .badGateway, message: "502 Bad Gateway: no instance of service \"\(service)\" is up\n")
    }

    /// The answer to a request the proxy will not forward; the connection closes after it.
    static func refusal(_ error: ClientRequestError) -> LocalResponse {
        let status: Status = switch error.kind {
        case .headTooLarge: .requestHeaderFieldsTooLarge
        case .unsupportedTransferCoding: .notImplemented
        case .malformedHead, .bareLineFeed, .invalidHost, .malformedChunkedBody: .badRequest
        }
        return LocalResponse(status: status, message: "\(status.code) \(status.reasonPhrase): \(error.reason)\n")
    }

    static func upstreamFailed(service: String, kind: ProxyErrorKind) -> LocalResponse {
        switch kind {
        case .connectTimeout, .upstreamTimeout:
            LocalResponse(
                status: .gatewayTimeout,
                message: "504 Gateway Timeout: service \"\(service)\" did not answer in time\n"
            )
        case .connectFailed:
            LocalResponse(
                status: .badGateway,
                message: "502 Bad Gateway: service \"\(service)\" refused the connection\n"
            )
        case .upstreamClosed, .clientClosed, .drainClosed:
            LocalResponse(
                status: .badGateway,
                message: "502 Bad Gateway: service \"\(service)\" closed the connection before answering\n"
            )
        }
    }

    /// The whole response, head and body, as it goes on the wire.
    func bytes(keepAlive: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        head += "content-type: text/plain; charset=utf-8\r\n"
        head += "content-length: \(message.utf8.count)\r\n"
        if !keepAlive { head += "connection: close\r\n" }
        return allocator.buffer(string: head + "\r\n" + message)
    }
}
