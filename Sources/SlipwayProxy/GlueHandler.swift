import NIOCore

/// Joins two channels byte for byte, in the shape of swift-nio-examples' connect-proxy: the
/// tunnel of an upgraded HTTP exchange.
///
/// A side only reads while its partner is writable, so a slow reader on one side stops the
/// proxy from reading the other: buffering stays bounded by the channels' write watermarks.
/// Half-closes are passed through: end of input on one side shuts the partner's output.
final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    /// This side's channel writability as its events last told: the partner asks on every read,
    /// where the channel's own property costs an existential call and an atomic load.
    private var channelWritable = false
    private var pendingRead = false
    /// Counts the bytes this side reads, for the instance's stats.
    private let countBytes: (Int) -> Void
    /// Told when either side goes away, before the other side is closed.
    private let ended: () -> Void
    /// Told of every read: the partner's writes are this side's reads, so reads are all the traffic.
    private let idleWatch: IdleWatch?

    private init(countBytes: @escaping (Int) -> Void, ended: @escaping () -> Void, idleWatch: IdleWatch?) {
        self.countBytes = countBytes
        self.ended = ended
        self.idleWatch = idleWatch
    }

    /// A pair: the first goes on the client channel, the second on the upstream channel.
    static func matchedPair(
        clientBytesRead: @escaping (Int) -> Void,
        upstreamBytesRead: @escaping (Int) -> Void,
        ended: @escaping () -> Void,
        idleWatch: IdleWatch? = nil
    ) -> (GlueHandler, GlueHandler) {
        let client = GlueHandler(countBytes: clientBytesRead, ended: ended, idleWatch: idleWatch)
        let upstream = GlueHandler(countBytes: upstreamBytesRead, ended: ended, idleWatch: idleWatch)
        client.partner = upstream
        upstream.partner = client
        return (client, upstream)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        channelWritable = context.channel.isWritable
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        channelWritable = false
        self.partner = nil
    }

    private func partnerWrite(_ buffer: ByteBuffer) {
        context?.write(Self.wrapOutboundOut(buffer), promise: nil)
    }

    private func partnerFlush() {
        context?.flush()
    }

    private func partnerWriteEOF() {
        context?.close(mode: .output, promise: nil)
    }

    private func partnerCloseFull() {
        context?.close(promise: nil)
    }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    private var partnerWritable: Bool {
        channelWritable
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        idleWatch?.noteActivity()
        countBytes(buffer.readableBytes)
        partner?.partnerWrite(buffer)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended()
        partner?.partnerCloseFull()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            partner?.partnerWriteEOF()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        channelWritable = context.channel.isWritable
        if channelWritable {
            partner?.partnerBecameWritable()
        }
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.partnerWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
