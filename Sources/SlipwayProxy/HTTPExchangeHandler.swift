import NIOCore

/// Serves one HTTP client connection: routes each request to the instance that is current when
/// its head arrives, streams both bodies with backpressure, and answers 502/504 itself when the
/// instance cannot.
final class HTTPExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler, UpstreamReceiver {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: ListenerState
    private let headReadDeadline: HeadReadDeadline
    /// Told of every byte read from the client and every response part written to it: this
    /// handler sees all of the connection's traffic, so no idle handler of its own sits in the path.
    private let idleWatch: IdleWatch
    private var context: ChannelHandlerContext?
    /// The client channel's writability as its events last told: asked on every upstream read.
    private var clientWritable = false
    private var clientAddress: String?
    private var exchange: Exchange?
    private var pendingRead = false
    private var upstreamNeedsFlush = false
    /// Response bytes were written to the client since its last flush: a response that ended
    /// was flushed already, so the upstream's read-complete need not flush the client again.
    private var clientNeedsFlush = false
    /// Parts of pipelined requests, held until the response before them is complete.
    private var queued = CircularBuffer<ClientRequestEvent>()
    private var parser: ClientRequestParser
    private var parsedEvents: [ClientRequestEvent] = []
    /// One timer watches the response deadline of whichever exchange is current.
    private var responseTimer: Scheduled<Void>?
    /// Set after the proxy answered a request itself: the rest of that request is read and dropped.
    private var discardingRequest = false
    /// The client closed its sending side: requests already read are answered, then the connection closes.
    private var clientInputClosed = false
    /// A request was refused: the answer is on its way and whatever the client sends next is dropped.
    private var refusedRequest = false
    private let responseTimeout: TimeAmount
    /// Storage the rewritten heads are written into, reused from one exchange to the next so a
    /// keep-alive connection does not allocate two buffers per request.
    private var requestHeadStorage = ByteBuffer()
    private var responseHeadStorage = ByteBuffer()
    /// `responseHeadStorage` holds a rewritten head not yet written: the small body parts that
    /// arrive with it are appended, so head and body go out in one write.
    private var responseHeadHeld = false
    private static let maxJoinedResponseBytes = 4096

    /// Whether the response being finished is the last this connection will carry.
    private var isLastResponse: Bool { clientInputClosed && queued.isEmpty }

    init(state: ListenerState) {
        self.state = state
        headReadDeadline = HeadReadDeadline(timeout: state.config.limits.headerReadTimeout)
        idleWatch = IdleWatch(timeout: state.config.limits.idleTimeout)
        parser = ClientRequestParser(maxHeadBytes: state.config.limits.maxHeaderBytes)
        responseTimeout = TimeAmount(state.config.limits.upstreamResponseTimeout)
    }

    var clientIsWritable: Bool { clientWritable }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientWritable = context.channel.isWritable
        clientAddress = context.channel.remoteAddress?.ipAddress
        // Runs until the client closes, through an upgrade tunnel too; stop() on close drops
        // the closure, so the handler and the watch do not keep each other alive.
        idleWatch.start(closing: context.channel, busy: { self.exchange != nil })
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        clientWritable = false
        headReadDeadline.stop()
    }

    // MARK: client → proxy

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusedRequest else { return }
        idleWatch.noteActivity()
        // Taken out of the property so it stays uniquely owned: its storage is reused, not
        // allocated again on every read.
        var events = parsedEvents
        parsedEvents = []
        var refusal: ClientRequestError?
        do {
            try parser.feed(Self.unwrapInboundIn(data)) { events.append($0) }
        } catch {
            refusal = error
        }
        // The refused request's own head and body parts in this read are never forwarded.
        let forwarded = refusal == nil ? events.count : (events.lastIndex { if case .end = $0 { true } else { false } }).map { $0 + 1 } ?? 0
        for event in events[..<forwarded] {
            if !queued.isEmpty || exchange?.requestEnded == true {
                queued.append(event)
            } else {
                handle(event)
            }
        }
        events.removeAll(keepingCapacity: true)
        parsedEvents = events
        // Only a head left incomplete starts the deadline: one that arrived whole in this read
        // would stop it at once, so the common request reads no clock for it.
        if parser.hasPartialHead { headReadDeadline.bytesArrived(on: context.channel) }
        if let refusal { refuse(refusal, context: context) }
    }

    /// A request the proxy will not forward is answered (400, 431 or 501) and the connection
    /// closed, since where the next request starts is unknown. Its own exchange, if its head was
    /// forwarded before its body proved malformed, is abandoned while no response byte was sent.
    private func refuse(_ error: ClientRequestError, context: ChannelHandlerContext) {
        refusedRequest = true
        state.refusedRequests[error.kind, default: 0] += 1
        let response = LocalResponse.refusal(error)
        if let exchange, !exchange.requestEnded, !exchange.responseStarted, queued.isEmpty {
            self.exchange = nil
            exchange.connection?.close()
            exchange.connection = nil
            exchange.status = Int(response.status.code)
            finish(exchange, error: nil)
        }
        guard exchange == nil, queued.isEmpty else {
            context.close(promise: nil)
            return
        }
        respond(response, keepAlive: false)
    }

    private func handle(_ event: ClientRequestEvent) {
        switch event {
        case .head(let head):
            headReadDeadline.headReceived()
            startExchange(head)
        case .body(let buffer):
            guard !discardingRequest, let exchange else { return }
            exchange.bytesIn += Int64(buffer.readableBytes)
            exchange.traffic.stats.bytesIn += Int64(buffer.readableBytes)
            forward(buffer, of: exchange)
        case .end:
            if discardingRequest {
                discardingRequest = false
                headReadDeadline.exchangeEnded()
                return
            }
            guard let exchange else { return }
            exchange.requestEnded = true
            if exchange.connection != nil { armResponseTimeout(exchange) }
        }
    }

    /// Once a response is complete, the pipelined requests behind it go ahead, and reading resumes
    /// when none is left waiting.
    private func processQueued() {
        while exchange?.requestEnded != true, let event = queued.popFirst() {
            handle(event)
        }
        flushUpstream()
        if queued.isEmpty { resumeReading() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushUpstream()
        context.fireChannelReadComplete()
    }

    private func flushUpstream() {
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            exchange?.connection?.flush()
        }
    }

    func read(context: ChannelHandlerContext) {
        if !queued.isEmpty || parser.isHolding {
            pendingRead = true
        } else if let exchange, exchange.connection.map({ !$0.isWritable }) ?? true {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        clientWritable = context.channel.isWritable
        if clientWritable { exchange?.connection?.clientBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        responseHeadHeld = false
        responseTimer?.cancel()
        responseTimer = nil
        queued.removeAll()
        if let exchange {
            self.exchange = nil
            exchange.connection?.close()
            exchange.traffic.recordError(.clientClosed)
            finish(exchange, error: .clientClosed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, case .inputClosed = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        clientInputClosed = true
        if let exchange, !exchange.requestEnded {
            context.close(promise: nil)
        } else if exchange == nil && queued.isEmpty {
            closeAfterPendingWrites(context: context)
        }
    }

    private func closeAfterPendingWrites(context: ChannelHandlerContext) {
        let empty = context.channel.allocator.buffer(capacity: 0)
        context.writeAndFlush(Self.wrapOutboundOut(empty)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func startExchange(_ head: ClientRequestHead) {
        guard let upstream = state.upstream else {
            state.noUpstream += 1
            let response = LocalResponse.noInstance(service: state.config.serviceName)
            discardingRequest = true
            respond(response, keepAlive: head.keepAlive && !head.isUpgrade)
            log(method: head.method, target: head.target, instance: nil, status: 502, started: .now(), error: nil)
            return
        }
        let traffic = state.traffic(for: upstream.instance)
        traffic.begin()
        traffic.stats.requests += 1
        let exchange = Exchange(
            upstream: upstream,
            traffic: traffic,
            head: head,
            upstreamHead: RequestHeadRewriter.rewrite(head, clientAddress: clientAddress, into: &requestHeadStorage),
            isLogged: state.accessLog != nil
        )
        self.exchange = exchange
        acquireConnection(for: exchange, reuse: !head.isUpgrade)
    }

    private func forward(_ body: ByteBuffer, of exchange: Exchange) {
        guard let connection = exchange.connection else {
            exchange.pendingBody.append(body)
            return
        }
        write(body, to: connection, of: exchange)
        upstreamNeedsFlush = true
    }

    private func write(_ body: ByteBuffer, to connection: UpstreamConnection, of exchange: Exchange) {
        exchange.bodyBytesWritten += Int64(body.readableBytes)
        connection.write(body)
    }

    // MARK: proxy → upstream

    private func acquireConnection(for exchange: Exchange, reuse: Bool) {
        let pool = state.pool(for: exchange.upstream.instance)
        if reuse, let connection = pool.take() {
            attach(connection, to: exchange, reused: true)
            return
        }
        UpstreamConnector.connect(
            to: exchange.upstream,
            on: state.eventLoop,
            timeout: state.config.limits.connectTimeout,
            halfClosure: false,
            autoRead: true
        ).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                self.connected(channel, for: exchange, pool: pool)
            case .failure(let error):
                guard self.exchange === exchange else { return }
                self.fail(exchange, kind: UpstreamConnector.errorKind(of: error))
            }
        }
    }

    private func connected(_ channel: any Channel, for exchange: Exchange, pool: UpstreamPool) {
        guard self.exchange === exchange else {
            channel.close(promise: nil)
            return
        }
        let connection = UpstreamConnection(channel: channel)
        connection.pool = pool
        do {
            try channel.pipeline.syncOperations.addHandler(connection)
        } catch {
            channel.close(promise: nil)
            fail(exchange, kind: .connectFailed)
            return
        }
        exchange.traffic.track(channel)
        attach(connection, to: exchange, reused: false)
    }

    private func attach(_ connection: UpstreamConnection, to exchange: Exchange, reused: Bool) {
        exchange.connection = connection
        exchange.reusedConnection = reused
        connection.receiver = self
        connection.writeHead(exchange.upstreamHead, isHeadRequest: exchange.isHeadRequest, dechunk: !exchange.clientSupportsChunking)
        let body = exchange.pendingBody
        exchange.pendingBody = []
        for part in body { write(part, to: connection, of: exchange) }
        connection.flush()
        if exchange.requestEnded { armResponseTimeout(exchange) }
        upstreamBecameWritable()
    }

    private func armResponseTimeout(_ exchange: Exchange) {
        guard !exchange.responseStarted, exchange.responseDeadline == nil, let context else { return }
        let deadline = context.eventLoop.now + responseTimeout
        exchange.responseDeadline = deadline
        if responseTimer == nil { scheduleResponseTimer(at: deadline, context: context) }
    }

    /// Fires at the earliest deadline it was armed for; by then a later exchange may be current,
    /// so it checks that exchange's deadline and re-arms for it if it is still ahead.
    private func scheduleResponseTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        responseTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.responseTimer = nil
            guard let exchange = self.exchange, !exchange.responseStarted, let due = exchange.responseDeadline else {
                return
            }
            if due > context.eventLoop.now {
                self.scheduleResponseTimer(at: due, context: context)
                return
            }
            exchange.connection?.close()
            exchange.connection = nil
            self.fail(exchange, kind: .upstreamTimeout)
        }
    }

    // MARK: upstream → client

    func upstreamEvent(_ event: UpstreamResponseEvent, from connection: UpstreamConnection) {
        guard let exchange, exchange.connection === connection, let context else { return }
        idleWatch.noteActivity()
        switch event {
        case .head(let head):
            clientNeedsFlush = true
            if head.isInformational {
                context.write(Self.wrapOutboundOut(head.raw), promise: nil)
                return
            }
            exchange.responseStarted = true
            exchange.status = head.status
            exchange.upstreamKeepAlive = head.keepAlive
            if exchange.isUpgrade && head.status == 101 {
                exchange.switchingProtocols = true
                context.writeAndFlush(Self.wrapOutboundOut(head.raw), promise: nil)
                startTunnel(exchange, context: context)
                return
            }
            let rewritten = ResponseHeadRewriter.rewrite(
                head,
                clientSupportsChunking: exchange.clientSupportsChunking,
                clientKeepAlive: exchange.clientKeepAlive,
                into: &responseHeadStorage
            )
            exchange.bodyFraming = rewritten.bodyFraming
            exchange.closeClientAfter = rewritten.closeAfter
            if rewritten.isInStorage {
                responseHeadHeld = true
            } else {
                context.write(Self.wrapOutboundOut(rewritten.bytes), promise: nil)
            }
        case .body(let buffer):
            clientNeedsFlush = true
            exchange.bytesOut += Int64(buffer.readableBytes)
            exchange.traffic.stats.bytesOut += Int64(buffer.readableBytes)
            let framing = exchange.switchingProtocols ? .verbatim : exchange.bodyFraming
            if responseHeadHeld && framing == .verbatim
                && responseHeadStorage.readableBytes + buffer.readableBytes <= Self.maxJoinedResponseBytes
            {
                responseHeadStorage.writeImmutableBuffer(buffer)
                return
            }
            writeHeldResponseHead(context: context)
            writeBody(buffer, framing: framing, context: context)
        case .end:
            writeHeldResponseHead(context: context)
            if exchange.bodyFraming == .chunkify {
                context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(staticString: "0\r\n\r\n")), promise: nil)
            }
            complete(exchange, context: context)
        }
    }

    private func writeBody(_ buffer: ByteBuffer, framing: ClientBodyFraming, context: ChannelHandlerContext) {
        guard framing == .chunkify else {
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            return
        }
        guard buffer.readableBytes > 0 else { return }
        context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(string: String(buffer.readableBytes, radix: 16) + "\r\n")), promise: nil)
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
        context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(staticString: "\r\n")), promise: nil)
    }

    private func writeHeldResponseHead(context: ChannelHandlerContext) {
        guard responseHeadHeld else { return }
        responseHeadHeld = false
        context.write(Self.wrapOutboundOut(responseHeadStorage), promise: nil)
    }

    func upstreamReadComplete() {
        guard clientNeedsFlush, let context else { return }
        clientNeedsFlush = false
        writeHeldResponseHead(context: context)
        context.flush()
    }

    func upstreamBecameWritable() {
        guard pendingRead, let context, exchange?.connection?.isWritable ?? true else { return }
        pendingRead = false
        context.read()
    }

    func upstreamClosed(_ connection: UpstreamConnection, partialResponse: Bool) {
        guard let exchange, exchange.connection === connection else { return }
        exchange.responseDeadline = nil
        exchange.connection = nil
        if exchange.mayRetry && !partialResponse {
            exchange.retried = true
            acquireConnection(for: exchange, reuse: false)
            return
        }
        let kind: ProxyErrorKind = exchange.traffic.closedByDrain ? .drainClosed : .upstreamClosed
        if exchange.responseStarted {
            // What arrived goes out before the close, so the client sees a truncated response
            // rather than none.
            if let context {
                writeHeldResponseHead(context: context)
                context.flush()
            }
            exchange.traffic.recordError(kind)
            self.exchange = nil
            finish(exchange, error: kind)
            context?.close(promise: nil)
        } else {
            fail(exchange, kind: kind)
        }
    }

    // MARK: endings

    /// The response ended normally: the connection goes back to the pool when both sides allow it.
    private func complete(_ exchange: Exchange, context: ChannelHandlerContext) {
        self.exchange = nil
        if let connection = exchange.connection {
            connection.receiver = nil
            exchange.connection = nil
            if exchange.upstreamKeepAlive && exchange.requestEnded && state.isCurrent(exchange.upstream.instance) {
                state.pool(for: exchange.upstream.instance).park(connection)
            } else {
                connection.close()
            }
        }
        let closeClient = exchange.closeClientAfter || !exchange.clientKeepAlive || !exchange.requestEnded || isLastResponse
        if !exchange.requestEnded { discardingRequest = true }
        finish(exchange, error: nil)
        endResponse(thenClose: closeClient, context: context)
        processQueued()
    }

    /// The exchange failed before any response byte: the client gets a 502 or 504 naming the service.
    private func fail(_ exchange: Exchange, kind: ProxyErrorKind) {
        self.exchange = nil
        exchange.traffic.recordError(kind)
        let response = LocalResponse.upstreamFailed(service: state.config.serviceName, kind: kind)
        exchange.status = Int(response.status.code)
        if !exchange.requestEnded { discardingRequest = true }
        finish(exchange, error: kind)
        respond(response, keepAlive: exchange.clientKeepAlive && exchange.requestEnded && !isLastResponse)
        processQueued()
    }

    private func finish(_ exchange: Exchange, error: ProxyErrorKind?) {
        exchange.traffic.stats.latency.record(microseconds: exchange.elapsedMicroseconds)
        log(
            method: exchange.method, target: exchange.target, instance: exchange.upstream.instance,
            status: exchange.status, started: exchange.started, error: error,
            bytesIn: exchange.bytesIn, bytesOut: exchange.bytesOut
        )
        exchange.traffic.end()
        if !discardingRequest { headReadDeadline.exchangeEnded() }
    }

    /// Reads held back for the exchange's upstream must not stay held once it is gone.
    private func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    private func respond(_ response: LocalResponse, keepAlive: Bool) {
        guard let context else { return }
        context.write(Self.wrapOutboundOut(response.bytes(keepAlive: keepAlive, allocator: context.channel.allocator)), promise: nil)
        endResponse(thenClose: !keepAlive, context: context)
    }

    private func endResponse(thenClose close: Bool, context: ChannelHandlerContext) {
        clientNeedsFlush = false
        if close {
            closeAfterPendingWrites(context: context)
        } else {
            context.flush()
        }
    }

    private func log(
        method: String, target: String, instance: InstanceID?, status: Int, started: NIODeadline,
        error: ProxyErrorKind?, bytesIn: Int64 = 0, bytesOut: Int64 = 0
    ) {
        guard let accessLog = state.accessLog else { return }
        accessLog.record(AccessLogEntry(
            unixTimeMilliseconds: UnixClock.nowMilliseconds(),
            service: state.config.serviceName,
            instance: instance,
            client: clientAddress ?? "",
            method: method,
            target: target,
            status: status,
            bytesIn: bytesIn,
            bytesOut: bytesOut,
            durationMicroseconds: (NIODeadline.now() - started).nanoseconds / 1000,
            error: error
        ))
    }

    // MARK: upgrade

    /// The upstream pipeline is still delivering the 101 response, so the pipelines are rebuilt
    /// on the next turn of the loop; bytes of the new protocol that arrive before then are passed
    /// on by `upstreamEvent`, and the client's decoder holds whatever the client sends.
    private func startTunnel(_ exchange: Exchange, context: ChannelHandlerContext) {
        let client = context.channel
        context.eventLoop.assumeIsolated().execute {
            guard self.exchange === exchange, let connection = exchange.connection, client.isActive else { return }
            connection.receiver = nil
            exchange.connection = nil
            self.exchange = nil
            let traffic = exchange.traffic
            let lease = TrafficLease(continuing: traffic) {
                traffic.stats.latency.record(microseconds: exchange.elapsedMicroseconds)
            }
            client.closeFuture.assumeIsolated().whenComplete { _ in lease.end() }
            self.log(
                method: exchange.method, target: exchange.target, instance: exchange.upstream.instance,
                status: 101, started: exchange.started, error: nil
            )
            if let held = self.parser.takeHeldBytes() {
                exchange.traffic.stats.bytesIn += Int64(held.readableBytes)
                connection.channel.writeAndFlush(held, promise: nil)
            }
            UpgradeTunnel.install(client: client, upstream: connection.channel, traffic: traffic, ended: lease.end, idleWatch: self.idleWatch)
        }
    }
}
