import NIOCore

/// Closes a connection on which nothing was read or written for the idle timeout (see `IdleWatch`).
///
/// For pipelines whose bytes no other handler of the proxy sees in both directions; a glued TCP
/// connection reports its activity to an `IdleWatch` directly, without this extra handler.
final class IdleTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    private let watch: IdleWatch

    init(timeout: Duration) {
        watch = IdleWatch(timeout: timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        watch.start(closing: context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        watch.stop()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.noteActivity()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        watch.noteActivity()
        context.write(data, promise: promise)
    }
}
