import NIOCore
import NIOHTTP1

/// What an upstream HTTP connection reports to the exchange currently using it.
protocol UpstreamReceiver: AnyObject {
    var clientIsWritable: Bool { get }
    func upstreamResponse(_ part: HTTPClientResponsePart, from connection: UpstreamConnection)
    func upstreamReadComplete()
    func upstreamBecameWritable()
    func upstreamClosed(_ connection: UpstreamConnection)
}

/// One keep-alive HTTP/1.1 connection to an instance; the last handler of its pipeline.
///
/// It hands response parts to the exchange that borrowed it and, while parked in the pool,
/// takes itself out of the pool when the instance closes it.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    let channel: any Channel
    // Strong on purpose: a weak reference gives the exchange handler a side table, which slows
    // every retain and release of it. The exchange sets it to nil when it lets go.
    var receiver: (any UpstreamReceiver)?
    var pool: UpstreamPool?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    init(channel: any Channel) {
        self.channel = channel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func write(_ part: HTTPClientRequestPart) {
        context?.write(Self.wrapOutboundOut(part), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func close() {
        receiver = nil
        channel.close(promise: nil)
    }

    /// Called when the client became writable again, to resume reading the response.
    func clientBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let receiver else {
            // Bytes on an idle connection mean it is out of step; it cannot be reused.
            context.close(promise: nil)
            return
        }
        receiver.upstreamResponse(Self.unwrapInboundIn(data), from: self)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let receiver {
            self.receiver = nil
            receiver.upstreamClosed(self)
        } else {
            pool?.remove(self)
        }
        pool = nil
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { receiver?.upstreamBecameWritable() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if let receiver, !receiver.clientIsWritable {
            pendingRead = true
        } else {
            context.read()
        }
    }
}
