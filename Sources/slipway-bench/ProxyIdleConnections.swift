import NIOCore
import NIOPosix
import Synchronization

/// Opens many keep-alive client connections, each of which makes one request and then idles.
struct ProxyIdleConnections {
    let count: Int

    /// Returns the open channels once every connection has received its response.
    func open(port: Int, group: any EventLoopGroup) async throws -> [any Channel] {
        let answered = AnsweredCount()
        var channels: [any Channel] = []
        channels.reserveCapacity(count)
        let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(OneRequestHandler(answered: answered))
            }
        }
        var opened = 0
        while opened < count {
            let batch = min(256, count - opened)
            let connects = (0..<batch).map { _ in bootstrap.connect(host: "127.0.0.1", port: port) }
            for connect in connects { channels.append(try await connect.get()) }
            opened += batch
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while answered.value < count && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard answered.value == count else { throw IdleConnectionsError(answered: answered.value, expected: count) }
        return channels
    }
}

struct IdleConnectionsError: Error, CustomStringConvertible {
    var answered: Int
    var expected: Int
    var description: String { "only \(answered) of \(expected) idle connections got their response" }
}

private final class AnsweredCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

private final class OneRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let answered: AnsweredCount
    private var counted = false

    init(answered: AnsweredCount) {
        self.answered = answered
    }

    func channelActive(context: ChannelHandlerContext) {
        let request = context.channel.allocator.buffer(string: "GET / HTTP/1.1\r\nhost: bench\r\n\r\n")
        context.writeAndFlush(Self.wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !counted else { return }
        counted = true
        answered.increment()
    }
}
