import NIOCore

/// What an upstream HTTP connection reports to the exchange currently using it.
protocol UpstreamReceiver: AnyObject {
    var clientIsWritable: Bool { get }
    func upstreamEvent(_ event: UpstreamResponseEvent, from connection: UpstreamConnection)
    func upstreamReadComplete()
    func upstreamBecameWritable()
    /// The connection closed or failed before the exchange's response was complete.
    /// `partialResponse` tells whether any byte of that response had arrived.
    func upstreamClosed(_ connection: UpstreamConnection, partialResponse: Bool)
}

/// One keep-alive HTTP/1.1 connection to an instance; the last handler of its pipeline.
///
/// Requests go out as the bytes the exchange prepared; responses come in as raw bytes that
/// `UpstreamResponseParser` only delimits, so the exchange can pass them on without decoding
/// and re-encoding every header. While parked in the pool, the connection takes itself out of
/// the pool when the instance closes it.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let channel: any Channel
    // Strong on purpose: a weak reference gives the exchange handler a side table, which slows
    // every retain and release of it. The exchange sets it to nil when it lets go.
    var receiver: (any UpstreamReceiver)?
    var pool: UpstreamPool?
    private var context: ChannelHandlerContext?
    /// The channel's writability and openness as its events last told: asked on every request,
    /// where the channel's own properties cost an existential call and an atomic load each.
    private(set) var isWritable = false
    private(set) var isOpen = true
    private var pendingRead = false
    private var parser = UpstreamResponseParser()
    private var parsedEvents: [UpstreamResponseEvent] = []

    init(channel: any Channel) {
        self.channel = channel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        isWritable = context.channel.isWritable
        isOpen = context.channel.isActive
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends a request head; `dechunk` asks for a chunked response body as plain data.
    func writeHead(_ head: ByteBuffer, isHeadRequest: Bool, dechunk: Bool) {
        parser.requestSent(isHeadRequest: isHeadRequest, dechunk: dechunk)
        context?.write(Self.wrapOutboundOut(head), promise: nil)
    }

    func write(_ body: ByteBuffer) {
        context?.write(Self.wrapOutboundOut(body), promise: nil)
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
        guard receiver != nil else {
            // Bytes on an idle connection mean it is out of step; it cannot be reused.
            context.close(promise: nil)
            return
        }
        // Taken out of the property so it stays uniquely owned: its storage is reused, not
        // allocated again on every read.
        var events = parsedEvents
        parsedEvents = []
        var malformed = false
        do {
            try parser.feed(Self.unwrapInboundIn(data)) { events.append($0) }
        } catch {
            malformed = true
        }
        deliver(events)
        events.removeAll(keepingCapacity: true)
        parsedEvents = events
        if malformed { context.close(promise: nil) }
    }

    /// Events are collected first and delivered after parsing, because delivering one can
    /// start the next exchange on this connection, which tells the parser about its request.
    private func deliver(_ events: [UpstreamResponseEvent]) {
        for event in events {
            receiver?.upstreamEvent(event, from: self)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !parser.isIdle { ImmediateAck.send(on: context.channel) }
        receiver?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        var events: [UpstreamResponseEvent] = []
        try? parser.endOfInput { events.append($0) }
        deliver(events)
        if let receiver {
            self.receiver = nil
            receiver.upstreamClosed(self, partialResponse: !parser.isIdle)
        } else {
            pool?.remove(self)
        }
        pool = nil
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        if isWritable { receiver?.upstreamBecameWritable() }
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
