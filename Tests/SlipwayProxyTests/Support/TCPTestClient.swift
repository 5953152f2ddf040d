import NIOCore
import NIOPosix
import Synchronization

/// A loopback TCP client for tests that records what it receives and whether the peer closed.
final class TCPTestClient: Sendable {
    let channel: any Channel
    private let received: ReceivedBytes

    static func connect(
        port: Int,
        group: any EventLoopGroup,
        autoRead: Bool = true,
        keepBytes: Bool = true
    ) async throws -> TCPTestClient {
        let received = ReceivedBytes(keepBytes: keepBytes)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.autoRead, value: autoRead)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReceivingHandler(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TCPTestClient(channel: channel, received: received)
    }

    private init(channel: any Channel, received: ReceivedBytes) {
        self.channel = channel
        self.received = received
    }

    var bytes: [UInt8] { received.bytes }
    var byteCount: Int { received.count }
    var text: String { String(decoding: received.bytes, as: UTF8.self) }
    var sawEndOfInput: Bool { received.ended }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text))
    }

    func send(_ buffer: ByteBuffer) async throws {
        try await channel.writeAndFlush(buffer)
    }

    func shutdownOutput() async throws {
        try await channel.close(mode: .output)
    }

    func startReading() async throws {
        try await channel.setOption(.autoRead, value: true).get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Received bytes; `keepBytes` false only counts them, for streams too large to hold.
final class ReceivedBytes: Sendable {
    private let state = Mutex<(bytes: [UInt8], count: Int, ended: Bool)>(([], 0, false))
    let keepBytes: Bool

    init(keepBytes: Bool = true) {
        self.keepBytes = keepBytes
    }

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var count: Int { state.withLock { $0.count } }
    var ended: Bool { state.withLock { $0.ended } }

    func append(_ buffer: ByteBuffer) {
        state.withLock {
            $0.count += buffer.readableBytes
            if keepBytes { $0.bytes += buffer.readableBytesView }
        }
    }

    func markEnded() { state.withLock { $0.ended = true } }
}

private final class ReceivingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let received: ReceivedBytes

    init(received: ReceivedBytes) {
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(Self.unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event { received.markEnded() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        received.markEnded()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
