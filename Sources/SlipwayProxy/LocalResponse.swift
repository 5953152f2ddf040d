import NIOCore
import NIOHTTP1

/// A response the proxy writes itself (502, 504), with a short plain-text body naming the service.
struct LocalResponse {
    var status: HTTPResponseStatus
    var message: String

    static func noInstance(service: String) -> LocalResponse {
        LocalResponse(status: .badGateway, message: "502 Bad Gateway: no instance of service \"\(service)\" is up\n")
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

    func head(keepAlive: Bool) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(message.utf8.count))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        return HTTPResponseHead(version: .http1_1, status: status, headers: headers)
    }

    func body(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(string: message)
    }
}
