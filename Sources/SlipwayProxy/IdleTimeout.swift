import NIOCore

/// Closes a connection on which nothing was read or written for the idle timeout.
///
/// Unlike `IdleStateHandler` it makes no promise per write and reads no clock per event: reads
/// and writes only set a flag, and a timer every timeout period closes the connection if the
/// flag stayed unset for a whole period. A silent connection is therefore closed between one
/// and two timeouts after its last byte.
final class IdleTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    private let timeout: TimeAmount
    private var sawActivity = false
    private var timer: Scheduled<Void>?

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sawActivity = true
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        sawActivity = true
        context.write(data, promise: promise)
    }

    private func arm(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.timer = nil
            guard self.sawActivity else {
                context.close(promise: nil)
                return
            }
            self.sawActivity = false
            self.arm(context: context)
        }
    }
}
