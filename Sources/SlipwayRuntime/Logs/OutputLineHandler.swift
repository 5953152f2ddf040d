import NIOCore

/// Passes each line of one output (stdout or stderr) to the sink; completes `closed` at end of output.
final class OutputLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let sink: any LineSink
    private let stream: LogStream
    private let closed: EventLoopPromise<Void>

    init(sink: any LineSink, stream: LogStream, closed: EventLoopPromise<Void>) {
        self.sink = sink
        self.stream = stream
        self.closed = closed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sink.receive(String(decoding: unwrapInboundIn(data).readableBytesView, as: UTF8.self), stream: stream)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed.succeed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
