import NIOCore

/// Passes each output line to the sink; completes `closed` at end of output.
final class OutputLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let sink: any LineSink
    private let closed: EventLoopPromise<Void>

    init(sink: any LineSink, closed: EventLoopPromise<Void>) {
        self.sink = sink
        self.closed = closed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sink.receive(String(decoding: unwrapInboundIn(data).readableBytesView, as: UTF8.self))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed.succeed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
