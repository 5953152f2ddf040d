import NIOCore
import NIOPosix

/// A loopback TCP server for tests; each accepted connection gets the handler `makeHandler` builds.
struct TCPTestServer {
    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    static func start(
        group: any EventLoopGroup,
        makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> TCPTestServer {
        let channel = try await ServerBootstrap(group: group)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TCPTestServer(channel: channel)
    }

    func stop() async throws {
        try await channel.close()
    }
}

/// Echoes every byte; when the client half-closes, writes `farewell` and then closes.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let farewell: String

    init(farewell: String = "") {
        self.farewell = farewell
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, case .inputClosed = event else { return }
        let buffer = context.channel.allocator.buffer(string: farewell)
        context.writeAndFlush(Self.wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// Writes `total` bytes of a repeating pattern as fast as the connection accepts them, stopping
/// whenever the channel is not writable; reports how many bytes it has handed to the socket.
final class StreamingSourceHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let total: Int
    private let progress: StreamProgress
    private var written = 0

    init(total: Int, progress: StreamProgress) {
        self.total = total
        self.progress = progress
    }

    func channelActive(context: ChannelHandlerContext) {
        pump(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        progress.setBlocked(!context.channel.isWritable)
        pump(context: context)
    }

    private func pump(context: ChannelHandlerContext) {
        let chunk = 64 * 1024
        while context.channel.isWritable && written < total {
            let size = min(chunk, total - written)
            var buffer = context.channel.allocator.buffer(capacity: size)
            buffer.writeRepeatingByte(UInt8(truncatingIfNeeded: written / chunk), count: size)
            written += size
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            progress.setWritten(written)
        }
        context.flush()
        progress.setBlocked(!context.channel.isWritable)
        if written == total {
            context.close(mode: .output, promise: nil)
        }
    }
}
