import NIOCore

/// The state machine of one HTTP/1.1 client connection on the proxy's loop: routes each request
/// to the instance that is current when its head arrives, streams both bodies with backpressure,
/// answers 502/504 itself when the instance cannot, and becomes a byte tunnel after a `101`. An
/// injected fault (`ListenerFault`) holds a head back first (`FaultHold`) or answers it 503.
///
/// It makes system calls and reaches the loop only through its `HTTPConnectionHost` and reads the
/// clock only as the host's `now`, so tests drive it with bytes and readiness events. The client's
/// descriptor is owned by the loop's `HTTPSlot`; the instance's, by its `UpstreamLinkSlot`.
///
/// Buffering is bounded: the client is not read while the bytes for the instance (or the answers
/// for the client) pile up past `highWater`, nor the instance while the client's do; the kernel's
/// socket buffers then push back on the sender.
struct HTTPConnection {
    enum Side: Equatable {
        case client
        /// The instance's connection with this link index.
        case upstream(Int)
    }

    /// The listener's limits, as loop-clock nanoseconds.
    struct Timeouts {
        var idle: UInt64
        var headerRead: UInt64
        var connect: UInt64
        var response: UInt64

        init(_ limits: ProxyLimits) {
            idle = LoopClock.nanoseconds(limits.idleTimeout)
            headerRead = LoopClock.nanoseconds(limits.headerReadTimeout)
            connect = LoopClock.nanoseconds(limits.connectTimeout)
            response = LoopClock.nanoseconds(limits.upstreamResponseTimeout)
        }
    }

    static let highWater = 64 * 1024
    static let readSize = 16 * 1024

    private(set) var client: RelayEndpoint
    let clientAddress: String?
    private let timeouts: Timeouts
    private var parser: ClientRequestParser
    private var parsedEvents: [ClientRequestEvent] = []
    /// Parts of pipelined requests, held until the response before them is complete.
    private var queued: [ClientRequestEvent] = []
    private(set) var exchange: HTTPExchange?
    private(set) var tunnel: HTTPTunnel?
    /// The instance's connection serving the exchange or the tunnel.
    private(set) var link: UpstreamLink?
    /// Counts attachments, so events parsed from one connection stop once another took its place.
    private var attachments = 0
    private var responseParser = UpstreamResponseParser()
    private var responseEvents: [UpstreamResponseEvent] = []
    /// The attached connection sent bytes that fit no response: it is closed, never pooled.
    private var linkOutOfStep = false
    private(set) var toClient = ByteBuffer()
    private(set) var toUpstream = ByteBuffer()
    /// Storage the rewritten heads are written into, reused from one exchange to the next.
    private var requestHeadStorage = ByteBuffer()
    private var responseHeadStorage = ByteBuffer()
    /// Set after the proxy answered a request itself: the rest of that request is read and dropped.
    private var discardingRequest = false
    /// The client closed its sending side: requests already read are answered, then the connection closes.
    private var clientInputClosed = false
    /// A request was refused: the answer is on its way and whatever the client sends next is dropped.
    private var refusedRequest = false
    /// The connection closes once the client has taken every byte written to it.
    private var closingAfterWrites = false
    private(set) var isClosed = false
    /// The loop's clock at the last byte read from either side, the idle timeout's reference.
    private var lastActivity: UInt64
    /// No head is being answered: bytes that arrive start the next one and its header-read deadline.
    private var awaitingHead = true
    private var headStarted: UInt64?
    private var connectStarted: UInt64 = 0
    /// A connect that failed at once, answered once the events of the read that started it are
    /// handled, as a connect failing later would be: by then the request may have ended.
    private var failedConnect = false
    /// A head held back by an injected latency, queued with what followed it.
    private var faultHold = FaultHold()

    init(clientFD: Int32, clientAddress: String?, limits: ProxyLimits, now: UInt64) {
        client = RelayEndpoint(fd: clientFD)
        self.clientAddress = clientAddress
        timeouts = Timeouts(limits)
        parser = ClientRequestParser(maxHeadBytes: limits.maxHeaderBytes)
        lastActivity = now
    }

    /// Whether the last response ends the connection.
    private var isLastResponse: Bool { clientInputClosed && queued.isEmpty }

    /// The instance whose traffic this connection carries right now, if any.
    var instance: InstanceID? { exchange?.route.upstream.instance ?? tunnel?.instance }

    /// When the connection must be looked at next: the earliest of its idle, header-read,
    /// connect and response deadlines.
    var nextDeadline: UInt64 {
        var deadline = lastActivity &+ timeouts.idle
        if awaitingHead, let headStarted { deadline = min(deadline, headStarted &+ timeouts.headerRead) }
        if link?.connecting == true { deadline = min(deadline, connectStarted &+ timeouts.connect) }
        if let due = exchange?.responseDeadline { deadline = min(deadline, due) }
        if let until = faultHold.until { deadline = min(deadline, until) }
        return deadline
    }

    // MARK: events

    /// Handles epoll's report for one side and moves every byte that can move now. `scratch` is
    /// the loop's read buffer, lent for the call.
    mutating func handle<Host: HTTPConnectionHost>(
        _ readiness: Readiness, on side: Side, scratch: inout ByteBuffer, host: inout Host
    ) {
        guard !isClosed else { return }
        switch side {
        case .client:
            client.note(readiness)
            // A reset or a hang-up both ways: nothing more can reach the client.
            if readiness.contains(.failed) && !mayReadClient {
                close(host: &host)
                return
            }
        case .upstream(let index):
            guard link?.index == index else { return }
            link!.endpoint.note(readiness)
            if link!.connecting {
                guard readiness.contains(.writable) || readiness.contains(.failed) else { return }
                let error = host.connectError(link!.endpoint.fd)
                if error == 0 {
                    link!.connecting = false
                    if exchange?.requestEnded == true { armResponseDeadline(now: host.now) }
                } else {
                    dropLink(host: &host)
                    if !fallBack(after: .connectFailed, sent: false, host: &host) { fail(kind: .connectFailed, host: &host) }
                }
            }
        }
        pump(scratch: &scratch, host: &host)
    }

    /// Acts on whichever deadlines passed by the host's `now`.
    mutating func deadlinesPassed<Host: HTTPConnectionHost>(scratch: inout ByteBuffer, host: inout Host) {
        guard !isClosed else { return }
        let now = host.now
        if faultHold.release(now: now) { processQueued(host: &host) }
        if link?.connecting == true && connectStarted &+ timeouts.connect <= now {
            dropLink(host: &host)
            fail(kind: .connectTimeout, host: &host)
        }
        if let due = exchange?.responseDeadline, due <= now {
            dropLink(host: &host)
            fail(kind: .upstreamTimeout, host: &host)
        }
        if awaitingHead, let headStarted, headStarted &+ timeouts.headerRead <= now {
            close(host: &host)
            return
        }
        if lastActivity &+ timeouts.idle <= now {
            // A request waiting on its instance is not idle: the response timeout bounds that wait.
            guard exchange != nil else {
                close(host: &host)
                return
            }
            lastActivity = now
        }
        pump(scratch: &scratch, host: &host)
    }

    /// A drain timed out: the instance's connection under this client is closed, and the
    /// exchange fails as `drainClosed` (a tunnel simply ends).
    mutating func closeForDrain<Host: HTTPConnectionHost>(scratch: inout ByteBuffer, host: inout Host) {
        guard !isClosed else { return }
        if tunnel != nil {
            close(host: &host)
            return
        }
        guard exchange != nil else { return }
        exchange!.closedByDrain = true
        let partial = !responseParser.isIdle
        dropLink(host: &host)
        upstreamClosed(partialResponse: partial, host: &host)
        pump(scratch: &scratch, host: &host)
    }

    /// Ends the connection: what it was doing is counted as ended by the client, and the
    /// instance's connection is closed. The loop then closes the client's descriptor.
    mutating func close<Host: HTTPConnectionHost>(host: inout Host) {
        guard !isClosed else { return }
        isClosed = true
        queued.removeAll()
        if let ended = exchange {
            exchange = nil
            dropLink(host: &host)
            host.updateTraffic(ended.route.traffic) { $0.errors[.clientClosed, default: 0] += 1 }
            finish(ended, error: .clientClosed, host: &host)
        }
        if let ended = tunnel {
            tunnel = nil
            dropLink(host: &host)
            let elapsed = Self.microseconds(from: ended.started, to: host.now)
            host.updateTraffic(ended.traffic) {
                $0.latency.record(microseconds: elapsed)
                $0.active -= 1
            }
            host.exchangeEnded()
        }
    }

    // MARK: moving bytes

    private var mayReadClient: Bool {
        guard client.readable && !client.inputEnded && toClient.readableBytes < Self.highWater else { return false }
        if refusedRequest || closingAfterWrites { return true }
        if tunnel != nil { return toUpstream.readableBytes < Self.highWater }
        guard queued.isEmpty && !parser.isHolding else { return false }
        guard exchange != nil else { return true }
        guard let link, !link.connecting else { return false }
        return toUpstream.readableBytes < Self.highWater
    }

    private var mayReadUpstream: Bool {
        guard let link, !link.connecting, link.endpoint.readable, !link.endpoint.inputEnded else { return false }
        return toClient.readableBytes < Self.highWater
    }

    private mutating func pump<Host: HTTPConnectionHost>(scratch: inout ByteBuffer, host: inout Host) {
        var moved = true
        while moved && !isClosed {
            moved = false
            if mayReadClient { moved = readClient(scratch: &scratch, host: &host) || moved }
            if !isClosed, let link, !link.connecting, link.endpoint.writable, toUpstream.readableBytes > 0 {
                moved = writeUpstream(host: &host) || moved
            }
            if !isClosed && mayReadUpstream { moved = readUpstream(scratch: &scratch, host: &host) || moved }
            if !isClosed && client.writable && toClient.readableBytes > 0 { moved = writeClient(host: &host) || moved }
            if !isClosed && closingAfterWrites && toClient.readableBytes == 0 { close(host: &host) }
        }
    }

    /// One read into `scratch`; its bytes are handled before the call returns.
    private static func read<Host: HTTPConnectionHost>(
        _ endpoint: inout RelayEndpoint, into scratch: inout ByteBuffer, host: inout Host
    ) -> IOResult {
        scratch.clear()
        let fd = endpoint.fd
        var result = IOResult.wouldBlock
        scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: readSize) { space in
            result = host.read(fd, into: space)
            if case .transferred(let count) = result { return count }
            return 0
        }
        switch result {
        case .transferred(let count):
            // A short read emptied the socket; the next arrival raises a new edge. Only a
            // hang-up already reported must be read on to its end, as no edge will follow.
            if count < scratch.capacity && !endpoint.peerHungUp { endpoint.readable = false }
        case .wouldBlock:
            endpoint.readable = false
        case .endOfInput:
            endpoint.readable = false
            endpoint.inputEnded = true
        case .failed:
            break
        }
        return result
    }

    private mutating func readClient<Host: HTTPConnectionHost>(scratch: inout ByteBuffer, host: inout Host) -> Bool {
        switch Self.read(&client, into: &scratch, host: &host) {
        case .transferred:
            lastActivity = host.now
            if refusedRequest || closingAfterWrites { return true }
            if let tunnel {
                let count = Int64(scratch.readableBytes)
                host.updateTraffic(tunnel.traffic) { $0.bytesIn += count }
                toUpstream.writeImmutableBuffer(scratch)
                return true
            }
            received(scratch, host: &host)
            return true
        case .wouldBlock:
            return false
        case .endOfInput:
            clientEnded(host: &host)
            return true
        case .failed:
            close(host: &host)
            return true
        }
    }

    private mutating func readUpstream<Host: HTTPConnectionHost>(scratch: inout ByteBuffer, host: inout Host) -> Bool {
        switch Self.read(&link!.endpoint, into: &scratch, host: &host) {
        case .transferred:
            lastActivity = host.now
            if let tunnel {
                let count = Int64(scratch.readableBytes)
                host.updateTraffic(tunnel.traffic) { $0.bytesOut += count }
                toClient.writeImmutableBuffer(scratch)
                return true
            }
            let attachment = attachments
            let fd = link!.endpoint.fd
            responseBytes(scratch, host: &host)
            // A response still incomplete: its rest must not wait for a delayed ACK.
            if attachment == attachments && link != nil && !responseParser.isIdle { host.quickAck(fd) }
            return true
        case .wouldBlock:
            return false
        case .endOfInput, .failed:
            upstreamEnded(host: &host)
            return true
        }
    }

    private mutating func writeClient<Host: HTTPConnectionHost>(host: inout Host) -> Bool {
        let fd = client.fd
        let pending = toClient.readableBytes
        let result = toClient.withUnsafeReadableBytes { host.write(fd, from: $0) }
        switch result {
        case .transferred(let count):
            Self.consume(count, of: &toClient)
            if count < pending { client.writable = false }
            return count > 0
        case .wouldBlock, .endOfInput:
            client.writable = false
            return false
        case .failed:
            close(host: &host)
            return true
        }
    }

    private mutating func writeUpstream<Host: HTTPConnectionHost>(host: inout Host) -> Bool {
        let fd = link!.endpoint.fd
        let pending = toUpstream.readableBytes
        let result = toUpstream.withUnsafeReadableBytes { host.write(fd, from: $0) }
        switch result {
        case .transferred(let count):
            Self.consume(count, of: &toUpstream)
            if count < pending { link!.endpoint.writable = false }
            return count > 0
        case .wouldBlock, .endOfInput:
            link!.endpoint.writable = false
            return false
        case .failed:
            upstreamEnded(host: &host)
            return true
        }
    }

    /// Drops written bytes; an emptied buffer is reset, or let go when a large transfer grew it,
    /// so an idle connection holds no more than a small buffer.
    private static func consume(_ count: Int, of buffer: inout ByteBuffer) {
        buffer.moveReaderIndex(forwardBy: count)
        guard buffer.readableBytes == 0 else { return }
        if buffer.capacity > 4 * readSize {
            buffer = ByteBuffer()
        } else {
            buffer.clear()
        }
    }

    // MARK: client → proxy

    private mutating func received<Host: HTTPConnectionHost>(_ bytes: ByteBuffer, host: inout Host) {
        // Taken out of the property so its storage is reused, not allocated again on every read.
        var events = parsedEvents
        parsedEvents = []
        var refusal: ClientRequestError?
        do {
            try parser.feed(bytes) { events.append($0) }
        } catch {
            refusal = error
        }
        // The refused request's own head and body parts in this read are never forwarded.
        let forwarded = refusal == nil
            ? events.count : (events.lastIndex { if case .end = $0 { true } else { false } }).map { $0 + 1 } ?? 0
        // Moved out in order rather than copied (see `deliver`).
        events.removeSubrange(forwarded...)
        events.reverse()
        while let event = events.popLast() {
            if !queued.isEmpty || exchange?.requestEnded == true {
                queued.append(event)
            } else {
                handleRequest(event, host: &host)
            }
        }
        parsedEvents = events
        answerFailedConnect(host: &host)
        // Only a head left incomplete starts the deadline: one that arrived whole in this read
        // never needs it.
        if parser.hasPartialHead && awaitingHead && headStarted == nil { headStarted = host.now }
        if let refusal { refuse(refusal, host: &host) }
    }

    private mutating func handleRequest<Host: HTTPConnectionHost>(_ event: ClientRequestEvent, host: inout Host) {
        switch event {
        case .head(let head):
            if faultHold.holds(now: host.now, latency: host.faultLatency) {
                queued.insert(event, at: 0)
                return
            }
            awaitingHead = false
            headStarted = nil
            startExchange(head, host: &host)
        case .body(let buffer):
            guard !discardingRequest, exchange != nil else { return }
            let count = Int64(buffer.readableBytes)
            exchange!.bytesIn += count
            exchange!.bodyBytesWritten += count
            host.updateTraffic(exchange!.route.traffic) { $0.bytesIn += count }
            toUpstream.writeImmutableBuffer(buffer)
        case .end:
            if discardingRequest {
                discardingRequest = false
                awaitingHead = true
                return
            }
            guard exchange != nil else { return }
            exchange!.requestEnded = true
            if let link, !link.connecting { armResponseDeadline(now: host.now) }
        }
    }

    /// A request the proxy will not forward is answered (400, 431 or 501) and the connection
    /// closed, since where the next request starts is unknown. Its own exchange, if its head was
    /// forwarded before its body proved malformed, is abandoned while no response byte was sent.
    private mutating func refuse<Host: HTTPConnectionHost>(_ error: ClientRequestError, host: inout Host) {
        refusedRequest = true
        host.countRefusal(error.kind)
        let response = LocalResponse.refusal(error)
        if var abandoned = exchange, !abandoned.requestEnded, !abandoned.responseStarted, queued.isEmpty {
            exchange = nil
            dropLink(host: &host)
            abandoned.status = response.status.code
            finish(abandoned, error: nil, host: &host)
        }
        guard exchange == nil, queued.isEmpty else {
            close(host: &host)
            return
        }
        respond(response, keepAlive: false)
    }

    private mutating func clientEnded<Host: HTTPConnectionHost>(host: inout Host) {
        clientInputClosed = true
        if tunnel != nil {
            // A tunnel ends when either side ends: what the client sent last still goes out.
            if let link, !link.connecting, toUpstream.readableBytes > 0 { _ = writeUpstream(host: &host) }
            close(host: &host)
            return
        }
        guard !refusedRequest && !closingAfterWrites else { return }
        if let exchange, !exchange.requestEnded {
            close(host: &host)
        } else if exchange == nil && queued.isEmpty {
            closingAfterWrites = true
        }
    }

    private mutating func startExchange<Host: HTTPConnectionHost>(_ head: ClientRequestHead, host: inout Host) {
        if host.injectsError() {
            discardingRequest = true
            respond(LocalResponse.injectedFault(service: host.serviceName), keepAlive: head.keepAlive && !head.isUpgrade)
            if host.logsAccess {
                log(method: head.method, target: head.target, instance: nil, status: 503, started: host.now, error: nil, host: &host)
            }
            return
        }
        guard let route = host.route() else {
            host.countNoUpstream()
            discardingRequest = true
            respond(LocalResponse.noInstance(service: host.serviceName), keepAlive: head.keepAlive && !head.isUpgrade)
            if host.logsAccess {
                log(method: head.method, target: head.target, instance: nil, status: 502, started: host.now, error: nil, host: &host)
            }
            return
        }
        host.updateTraffic(route.traffic) {
            $0.active += 1
            $0.requests += 1
        }
        let upstreamHead = RequestHeadRewriter.rewrite(head, clientAddress: clientAddress, into: &requestHeadStorage)
        exchange = HTTPExchange(route: route, head: head, upstreamHead: upstreamHead, isLogged: host.logsAccess, started: host.now)
        acquireLink(reuse: !head.isUpgrade, host: &host)
    }

    // MARK: proxy → instance

    private mutating func acquireLink<Host: HTTPConnectionHost>(reuse: Bool, host: inout Host) {
        let route = exchange!.route
        if reuse, let pooled = host.takePooledLink(for: route) {
            attach(pooled, reused: true, host: &host)
            return
        }
        guard let fresh = host.connect(to: route) else {
            failedConnect = true
            return
        }
        connectStarted = host.now
        attach(fresh, reused: false, host: &host)
    }

    private mutating func attach<Host: HTTPConnectionHost>(_ attached: UpstreamLink, reused: Bool, host: inout Host) {
        link = attached
        attachments &+= 1
        linkOutOfStep = false
        exchange!.reusedConnection = reused
        responseParser.requestSent(isHeadRequest: exchange!.isHeadRequest, dechunk: !exchange!.clientSupportsChunking)
        toUpstream.writeImmutableBuffer(exchange!.upstreamHead)
        if exchange!.requestEnded && !attached.connecting { armResponseDeadline(now: host.now) }
    }

    /// Lets go of the instance's connection: pooled for `upstream` when one is given, else closed.
    /// Bytes still meant for the instance are dropped, whether or not a connection was attached.
    private mutating func dropLink<Host: HTTPConnectionHost>(parkingFor upstream: Upstream? = nil, host: inout Host) {
        toUpstream.clear()
        guard let dropped = link else { return }
        link = nil
        host.release(dropped, parkingFor: upstream)
        if upstream == nil { responseParser = UpstreamResponseParser() }
    }

    private mutating func armResponseDeadline(now: UInt64) {
        // Asked through the optional, not bound: a bound copy would retain the exchange's buffers.
        guard exchange?.responseStarted == false, exchange?.responseDeadline == nil else { return }
        exchange!.responseDeadline = now &+ timeouts.response
    }

    // MARK: instance → client

    private mutating func responseBytes<Host: HTTPConnectionHost>(_ bytes: ByteBuffer, host: inout Host) {
        // Parsed whole before delivery: delivering one event can end the exchange and start the
        // next, which tells the parser about its request.
        var events = responseEvents
        responseEvents = []
        var malformed = false
        do {
            try responseParser.feed(bytes) { events.append($0) }
        } catch {
            malformed = true
        }
        if malformed { linkOutOfStep = true }
        deliver(&events, host: &host)
        responseEvents = events
        if malformed && link != nil { upstreamEnded(host: &host) }
    }

    /// Hands the events over in order and leaves `events` empty. Each is moved out rather than
    /// copied, since each copy of a buffer it holds is a reference count taken and dropped.
    private mutating func deliver<Host: HTTPConnectionHost>(_ events: inout [UpstreamResponseEvent], host: inout Host) {
        let attachment = attachments
        events.reverse()
        defer { events.removeAll(keepingCapacity: true) }
        while let event = events.popLast() {
            guard attachment == attachments, link != nil else { return }
            if tunnel != nil {
                if case .body(let bytes) = event { tunnelBytesFromUpstream(bytes, host: &host) }
                continue
            }
            guard exchange != nil else { return }
            upstreamEvent(event, host: &host)
        }
    }

    private mutating func upstreamEvent<Host: HTTPConnectionHost>(_ event: UpstreamResponseEvent, host: inout Host) {
        switch event {
        case .head(let head):
            if head.isInformational {
                toClient.writeImmutableBuffer(head.raw)
                return
            }
            exchange!.responseStarted = true
            exchange!.responseDeadline = nil
            exchange!.status = head.status
            exchange!.upstreamKeepAlive = head.keepAlive
            if exchange!.isUpgrade && head.status == 101 {
                toClient.writeImmutableBuffer(head.raw)
                startTunnel(host: &host)
                return
            }
            let rewritten = ResponseHeadRewriter.rewrite(
                head,
                clientSupportsChunking: exchange!.clientSupportsChunking,
                clientKeepAlive: exchange!.clientKeepAlive,
                into: &responseHeadStorage
            )
            exchange!.bodyFraming = rewritten.bodyFraming
            exchange!.closeClientAfter = rewritten.closeAfter
            toClient.writeImmutableBuffer(rewritten.bytes)
        case .body(let buffer):
            let count = buffer.readableBytes
            exchange!.bytesOut += Int64(count)
            host.updateTraffic(exchange!.route.traffic) { $0.bytesOut += Int64(count) }
            guard exchange!.bodyFraming == .chunkify else {
                toClient.writeImmutableBuffer(buffer)
                return
            }
            guard count > 0 else { return }
            Self.writeHex(count, to: &toClient)
            toClient.writeStaticString("\r\n")
            toClient.writeImmutableBuffer(buffer)
            toClient.writeStaticString("\r\n")
        case .end:
            if exchange!.bodyFraming == .chunkify { toClient.writeStaticString("0\r\n\r\n") }
            complete(host: &host)
        }
    }

    private static func writeHex(_ value: Int, to buffer: inout ByteBuffer) {
        let digits = max(1, (Int.bitWidth - value.leadingZeroBitCount + 3) / 4)
        for index in stride(from: digits - 1, through: 0, by: -1) {
            let nibble = (value >> (index * 4)) & 0xF
            buffer.writeInteger(nibble < 10 ? UInt8(48 + nibble) : UInt8(87 + nibble))
        }
    }

    /// The instance closed its connection or it failed: a body delimited by the close ends here,
    /// anything else unfinished fails, or is sent once more on a fresh connection.
    private mutating func upstreamEnded<Host: HTTPConnectionHost>(host: inout Host) {
        if tunnel != nil {
            // A tunnel ends when either side ends: what the instance sent last still goes out.
            if client.writable && toClient.readableBytes > 0 { _ = writeClient(host: &host) }
            close(host: &host)
            return
        }
        var events: [UpstreamResponseEvent] = []
        try? responseParser.endOfInput { events.append($0) }
        if !events.isEmpty { deliver(&events, host: &host) }
        guard link != nil, exchange != nil else {
            dropLink(host: &host)
            return
        }
        let partial = !responseParser.isIdle
        dropLink(host: &host)
        upstreamClosed(partialResponse: partial, host: &host)
    }

    private mutating func upstreamClosed<Host: HTTPConnectionHost>(partialResponse: Bool, host: inout Host) {
        guard var failed = exchange else { return }
        failed.responseDeadline = nil
        if failed.mayRetry && !partialResponse {
            failed.retried = true
            exchange = failed
            acquireLink(reuse: false, host: &host)
            answerFailedConnect(host: &host)
            return
        }
        let kind: ProxyErrorKind = failed.closedByDrain ? .drainClosed : .upstreamClosed
        exchange = failed
        if !partialResponse && fallBack(after: kind, sent: true, host: &host) { return }
        guard failed.responseStarted else {
            fail(kind: kind, host: &host)
            return
        }
        // What arrived goes out before the close, so the client sees a truncated response
        // rather than none.
        exchange = nil
        host.updateTraffic(failed.route.traffic) { $0.errors[kind, default: 0] += 1 }
        finish(failed, error: kind, host: &host)
        closingAfterWrites = true
    }

    // MARK: upgrade

    /// The instance agreed to switch protocols: the exchange becomes a byte tunnel, still counted
    /// as active. Bytes the client sent after its request were held by the parser; they go first.
    private mutating func startTunnel<Host: HTTPConnectionHost>(host: inout Host) {
        let upgraded = exchange!
        exchange = nil
        tunnel = HTTPTunnel(instance: upgraded.route.upstream.instance, traffic: upgraded.route.traffic, started: upgraded.started)
        if host.logsAccess {
            log(method: upgraded.method, target: upgraded.target, instance: upgraded.route.upstream.instance,
                status: 101, started: upgraded.started, error: nil, host: &host)
        }
        if let held = parser.takeHeldBytes() {
            let count = Int64(held.readableBytes)
            host.updateTraffic(upgraded.route.traffic) { $0.bytesIn += count }
            toUpstream.writeImmutableBuffer(held)
        }
    }

    private mutating func tunnelBytesFromUpstream<Host: HTTPConnectionHost>(_ bytes: ByteBuffer, host: inout Host) {
        let count = Int64(bytes.readableBytes)
        host.updateTraffic(tunnel!.traffic) { $0.bytesOut += count }
        toClient.writeImmutableBuffer(bytes)
    }

    // MARK: endings

    /// The response ended normally: the instance's connection goes back to the pool when both
    /// sides allow it.
    private mutating func complete<Host: HTTPConnectionHost>(host: inout Host) {
        let done = exchange.take()!
        let park = done.upstreamKeepAlive && done.requestEnded && !linkOutOfStep && responseParser.isIdle
            && toUpstream.readableBytes == 0
        dropLink(parkingFor: park ? done.route.upstream : nil, host: &host)
        let closeClient = done.closeClientAfter || !done.clientKeepAlive || !done.requestEnded || isLastResponse
        if !done.requestEnded { discardingRequest = true }
        finish(done, error: nil, host: &host)
        if closeClient { closingAfterWrites = true }
        processQueued(host: &host)
    }

    /// The exchange failed before any response byte: the client gets a 502 or 504 naming the service.
    private mutating func fail<Host: HTTPConnectionHost>(kind: ProxyErrorKind, host: inout Host) {
        guard var failed = exchange else { return }
        dropLink(host: &host)
        exchange = nil
        host.updateTraffic(failed.route.traffic) { $0.errors[kind, default: 0] += 1 }
        let response = LocalResponse.upstreamFailed(service: host.serviceName, kind: kind)
        failed.status = response.status.code
        if !failed.requestEnded { discardingRequest = true }
        finish(failed, error: kind, host: &host)
        respond(response, keepAlive: failed.clientKeepAlive && failed.requestEnded && !isLastResponse)
        // The answer is traffic: a client that waited on a slow instance gets a whole idle
        // period for its next request.
        lastActivity = host.now
        processQueued(host: &host)
    }

    private mutating func finish<Host: HTTPConnectionHost>(_ ended: HTTPExchange, error: ProxyErrorKind?, host: inout Host) {
        let elapsed = Self.microseconds(from: ended.started, to: host.now)
        host.updateTraffic(ended.route.traffic) {
            $0.latency.record(microseconds: elapsed)
            $0.active -= 1
        }
        if host.logsAccess {
            log(method: ended.method, target: ended.target, instance: ended.route.upstream.instance,
                status: ended.status, started: ended.started, error: error,
                bytesIn: ended.bytesIn, bytesOut: ended.bytesOut, host: &host)
        }
        host.exchangeEnded()
        if !discardingRequest { awaitingHead = true }
    }

    /// Once a response is complete, the pipelined requests behind it go ahead; reading resumes
    /// when none is left waiting.
    private mutating func processQueued<Host: HTTPConnectionHost>(host: inout Host) {
        if closingAfterWrites {
            queued.removeAll()
            return
        }
        while exchange?.requestEnded != true && !queued.isEmpty && !closingAfterWrites && !faultHold.isHolding {
            handleRequest(queued.removeFirst(), host: &host)
        }
        answerFailedConnect(host: &host)
    }

    private mutating func answerFailedConnect<Host: HTTPConnectionHost>(host: inout Host) {
        guard failedConnect else { return }
        failedConnect = false
        if fallBack(after: .connectFailed, sent: false, host: &host) { return }
        fail(kind: .connectFailed, host: &host)
    }

    /// The instance failed the exchange (`kind`) before it could have answered: the listener's
    /// fallback, if there is one, gets the request on a fresh connection, when it may go twice
    /// (`sent`: the instance may have received it). The failure still counts against the instance.
    private mutating func fallBack<Host: HTTPConnectionHost>(after kind: ProxyErrorKind, sent: Bool, host: inout Host) -> Bool {
        guard let failed = exchange, failed.mayFallBack(sent: sent),
              let fallback = host.fallbackRoute(after: failed.route.upstream.instance)
        else { return false }
        host.updateTraffic(failed.route.traffic) {
            $0.errors[kind, default: 0] += 1
            $0.active -= 1
        }
        host.updateTraffic(fallback.traffic) {
            $0.active += 1
            $0.requests += 1
        }
        host.countFallback()
        exchange!.fallBack(to: fallback)
        acquireLink(reuse: false, host: &host)
        answerFailedConnect(host: &host)
        return true
    }

    private mutating func respond(_ response: LocalResponse, keepAlive: Bool) {
        toClient.writeImmutableBuffer(response.bytes(keepAlive: keepAlive, allocator: ByteBufferAllocator()))
        if !keepAlive { closingAfterWrites = true }
    }

    private func log<Host: HTTPConnectionHost>(
        method: String, target: String, instance: InstanceID?, status: Int, started: UInt64,
        error: ProxyErrorKind?, bytesIn: Int64 = 0, bytesOut: Int64 = 0, host: inout Host
    ) {
        host.log(AccessLogEntry(
            unixTimeMilliseconds: UnixClock.nowMilliseconds(),
            service: host.serviceName,
            instance: instance,
            client: clientAddress ?? "",
            method: method,
            target: target,
            status: status,
            bytesIn: bytesIn,
            bytesOut: bytesOut,
            durationMicroseconds: Self.microseconds(from: started, to: host.now),
            error: error
        ))
    }

    private static func microseconds(from start: UInt64, to end: UInt64) -> Int64 {
        end > start ? Int64((end - start) / 1000) : 0
    }
}
