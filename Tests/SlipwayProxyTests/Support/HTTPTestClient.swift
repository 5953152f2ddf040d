import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A keep-alive HTTP/1.1 client for tests: one connection, one request at a time.
final class HTTPTestClient: Sendable {
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: String
        var bodyBytes: Int
    }

    let channel: any Channel
    private let collector: ResponseCollector

    static func connect(port: Int, group: any EventLoopGroup, keepBody: Bool = true) async throws -> HTTPTestClient {
        let collector = ResponseCollector(keepBody: keepBody)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return HTTPTestClient(channel: channel, collector: collector)
    }

    private init(channel: any Channel, collector: ResponseCollector) {
        self.channel = channel
        self.collector = collector
    }

    var isOpen: Bool { channel.isActive }

    /// Sends a request with an optional body (`bodySize` bytes, streamed in 64 KiB parts) and waits
    /// for the whole response.
    func request(
        _ method: HTTPMethod = .GET,
        _ path: String,
        headers extra: [(String, String)] = [],
        bodySize: Int = 0,
        chunked: Bool = false
    ) async throws -> Response {
        var headers = HTTPHeaders(extra)
        headers.add(name: "host", value: "app.test")
        if bodySize > 0 && !chunked { headers.add(name: "content-length", value: "\(bodySize)") }
        let response = try await channel.eventLoop.submit { self.collector.expectResponse(on: self.channel) }.get()
        try await channel.writeAndFlush(HTTPClientRequestPart.head(
            HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        ))
        var sent = 0
        while sent < bodySize {
            let size = min(64 * 1024, bodySize - sent)
            var buffer = channel.allocator.buffer(capacity: size)
            buffer.writeRepeatingByte(UInt8(ascii: "u"), count: size)
            sent += size
            try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(buffer)))
        }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        return try await response.get()
    }

    func close() async {
        try? await channel.close()
    }
}

struct ConnectionClosedBeforeResponse: Error {}

private final class ResponseCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    private let keepBody: Bool
    // Touched only on the channel's event loop.
    private let state = Mutex<(promise: EventLoopPromise<HTTPTestClient.Response>?, response: HTTPTestClient.Response?)>((nil, nil))

    init(keepBody: Bool) {
        self.keepBody = keepBody
    }

    /// Called on the channel's event loop. A channel that already closed fails the wait at once:
    /// `channelInactive` has run and would never complete the promise.
    func expectResponse(on channel: any Channel) -> EventLoopFuture<HTTPTestClient.Response> {
        let promise = channel.eventLoop.makePromise(of: HTTPTestClient.Response.self)
        guard channel.isActive else {
            promise.fail(ConnectionClosedBeforeResponse())
            return promise.futureResult
        }
        state.withLock { $0.promise = promise }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            state.withLock { $0.response = .init(status: head.status, headers: head.headers, body: "", bodyBytes: 0) }
        case .body(let buffer):
            state.withLock {
                $0.response?.bodyBytes += buffer.readableBytes
                if keepBody { $0.response?.body += String(buffer: buffer) }
            }
        case .end:
            let (promise, response) = state.withLock { state in
                defer { state = (nil, nil) }
                return (state.promise, state.response)
            }
            if let response { promise?.succeed(response) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let promise = state.withLock { state in
            defer { state.promise = nil }
            return state.promise
        }
        promise?.fail(ConnectionClosedBeforeResponse())
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
