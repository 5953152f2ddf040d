import NIOCore
import NIOHTTP1
import NIOPosix
import SlipwayProxy
import Synchronization

/// A real HTTP/1.1 server for tests, answering by path:
/// `/name` its name, `/headers` the forwarding headers it saw, `/upload` the body size it read,
/// `/download/N` N streamed bytes, `/hang` never, `/gate` once `gate` is opened.
struct HTTPTestBackend {
    let channel: any Channel
    let counters: BackendCounters
    var port: Int { channel.localAddress!.port! }

    static func start(
        name: String,
        group: any EventLoopGroup,
        gate: Gate = Gate(),
        progress: StreamProgress = StreamProgress()
    ) async throws -> HTTPTestBackend {
        let counters = BackendCounters()
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    counters.connectionAccepted(channel)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        BackendHandler(name: name, counters: counters, gate: gate, progress: progress)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return HTTPTestBackend(channel: channel, counters: counters)
    }

    func upstream(_ instance: String) -> Upstream {
        Upstream(instance: instance, port: port)
    }

    func stop() async throws {
        try await channel.close()
    }

    /// Stops as a killed process would: the listening socket and every accepted connection close.
    func kill() async throws {
        try await channel.close()
        for child in counters.takeChildren() { try? await child.close() }
    }
}

final class BackendCounters: Sendable {
    private let state = Mutex<(connections: Int, requests: Int)>((0, 0))
    private let children = Mutex<[any Channel]>([])
    var connections: Int { state.withLock { $0.connections } }
    var requests: Int { state.withLock { $0.requests } }
    func connectionAccepted(_ child: (any Channel)? = nil) {
        state.withLock { $0.connections += 1 }
        if let child { children.withLock { $0.append(child) } }
    }
    func takeChildren() -> [any Channel] { children.withLock { taken in defer { taken = [] }; return taken } }
    func requestReceived() { state.withLock { $0.requests += 1 } }
}

/// Holds `/gate` responses until opened; every open releases the responses waiting.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [@Sendable () -> Void])>((false, []))

    var waitingCount: Int { state.withLock { $0.waiting.count } }

    func whenOpen(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.open { return true }
            state.waiting.append(action)
            return false
        }
        if runNow { action() }
    }

    func open() {
        let waiting = state.withLock { state -> [@Sendable () -> Void] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for action in waiting { action() }
    }
}

private final class BackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let name: String
    private let counters: BackendCounters
    private let gate: Gate
    private let progress: StreamProgress
    private var path = ""
    private var headers = HTTPHeaders()
    private var bodyBytes = 0
    private var download: (remaining: Int, context: ChannelHandlerContext)?

    init(name: String, counters: BackendCounters, gate: Gate, progress: StreamProgress) {
        self.name = name
        self.counters = counters
        self.gate = gate
        self.progress = progress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            counters.requestReceived()
            path = head.uri
            headers = head.headers
            bodyBytes = 0
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
        case .end:
            respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        switch path {
        case "/name": send(name, context: context)
        case "/headers":
            let seen = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "connection"]
                .map { "\($0)=\(headers.first(name: $0) ?? "-")" }
            send(seen.joined(separator: ";"), context: context)
        case "/upload": send("\(bodyBytes)", context: context)
        case "/host": send(headers["host"].joined(separator: ","), context: context)
        case "/hang": return
        case "/gate":
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let name = self.name
            gate.whenOpen {
                loopBound.eventLoop.execute { Self.send(name, context: loopBound.value) }
            }
        case let path where path.hasPrefix("/download/"):
            let size = Int(path.dropFirst("/download/".count)) ?? 0
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: "\(size)")
            context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            download = (size, context)
            pump()
        default:
            send("not found", context: context)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        progress.setBlocked(!context.channel.isWritable)
        pump()
    }

    private func pump() {
        guard case (var remaining, let context)? = download else { return }
        let chunk = 64 * 1024
        while context.channel.isWritable && remaining > 0 {
            let size = min(chunk, remaining)
            var buffer = context.channel.allocator.buffer(capacity: size)
            buffer.writeRepeatingByte(UInt8(ascii: "x"), count: size)
            remaining -= size
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            progress.setWritten(progress.written + size)
        }
        progress.setBlocked(!context.channel.isWritable)
        if remaining == 0 {
            download = nil
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            download = (remaining, context)
            context.flush()
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        Self.send(text, context: context)
    }

    private static func send(_ text: String, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-length", value: "\(text.utf8.count)")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
