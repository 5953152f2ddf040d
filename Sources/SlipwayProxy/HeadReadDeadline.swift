import NIOCore

/// Closes an HTTP client connection whose request head does not arrive completely within the
/// header-read timeout of its first byte, so a slow client cannot hold a connection forever.
/// Sits before the request decoder, where the raw bytes pass.
///
/// One timer serves many requests: when it fires it re-arms for the head being read, if any,
/// so a keep-alive connection does not schedule and cancel a timer per request.
final class HeadReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var awaitingHead = true
    private var headStarted: NIODeadline?
    private var timer: Scheduled<Void>?

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaitingHead && headStarted == nil {
            let started = context.eventLoop.now
            headStarted = started
            if timer == nil { arm(context: context, at: started + timeout) }
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// The exchange handler saw a complete request head.
    func headReceived() {
        awaitingHead = false
        headStarted = nil
    }

    /// The exchange ended; the next bytes start a new head.
    func exchangeEnded() {
        awaitingHead = true
    }

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            guard let started = self.headStarted else { return }
            let due = started + self.timeout
            if due <= context.eventLoop.now {
                context.close(promise: nil)
            } else {
                self.arm(context: context, at: due)
            }
        }
    }
}
