import NIOCore

/// Splits a client's byte stream into requests: heads read strictly, bodies passed on verbatim.
///
/// After an upgrade request the parser holds whatever follows: it belongs to the new protocol
/// if the instance agrees to switch, and the exchange takes it from there.
struct ClientRequestParser {
    private enum State {
        case head
        case fixed(remaining: Int)
        case chunked(ChunkedBodyScanner)
        case holding
    }

    private var state = State.head
    private var pendingHead: ByteBuffer?
    private var scannedHeadBytes = 0
    private var held: ByteBuffer?
    /// The request being read asks for an upgrade: once it ends, what follows is held.
    private var upgradeRequested = false
    let maxHeadBytes: Int

    init(maxHeadBytes: Int) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// Part of a head arrived and waits for the rest.
    var hasPartialHead: Bool { pendingHead != nil }

    var isHolding: Bool {
        if case .holding = state { return true }
        return false
    }

    /// Bytes the client sent after an upgrade request, for the tunnel.
    mutating func takeHeldBytes() -> ByteBuffer? {
        defer { held = nil }
        return held
    }

    mutating func feed(_ input: ByteBuffer, emit: (ClientRequestEvent) -> Void) throws(ClientRequestError) {
        var buffer = input
        while buffer.readableBytes > 0 {
            switch state {
            case .head:
                guard let head = try readHead(from: &buffer) else { return }
                emit(.head(head))
                upgradeRequested = head.isUpgrade
                switch head.framing {
                case .none: finishRequest(emit: emit)
                case .contentLength(let length): state = .fixed(remaining: length)
                case .chunked: state = .chunked(ChunkedBodyScanner(dechunk: false))
                }
            case .fixed(let remaining):
                let count = min(remaining, buffer.readableBytes)
                emit(.body(buffer.readSlice(length: count)!))
                if remaining == count {
                    finishRequest(emit: emit)
                } else {
                    state = .fixed(remaining: remaining - count)
                }
            case .chunked(var scanner):
                let scanned: (forwarded: ByteBuffer, done: Bool)
                do {
                    scanned = try scanner.scan(&buffer)
                } catch {
                    throw .malformedChunkedBody
                }
                if scanned.forwarded.readableBytes > 0 { emit(.body(scanned.forwarded)) }
                if scanned.done {
                    finishRequest(emit: emit)
                } else {
                    state = .chunked(scanner)
                }
            case .holding:
                if held == nil { held = buffer } else { held!.writeImmutableBuffer(buffer) }
                return
            }
        }
    }

    private mutating func finishRequest(emit: (ClientRequestEvent) -> Void) {
        state = upgradeRequested ? .holding : .head
        emit(.end)
    }

    private mutating func readHead(from buffer: inout ByteBuffer) throws(ClientRequestError) -> ClientRequestHead? {
        if pendingHead == nil, let end = HeadBoundary.end(in: buffer, from: 0) {
            guard end <= maxHeadBytes else { throw .headTooLarge }
            return try RequestHeadReader.read(buffer.readSlice(length: end)!)
        }
        var pending = pendingHead ?? ByteBufferAllocator().buffer(capacity: buffer.readableBytes)
        let searchFrom = max(0, scannedHeadBytes - 3)
        pending.writeImmutableBuffer(buffer)
        buffer.moveReaderIndex(to: buffer.writerIndex)
        guard let end = HeadBoundary.end(in: pending, from: searchFrom) else {
            guard pending.readableBytes <= maxHeadBytes else { throw .headTooLarge }
            // A head of bare-LF lines would never show its CRLF CRLF end: refused now, not at the deadline.
            guard !HeadBoundary.hasBareLineFeed(in: pending, from: scannedHeadBytes) else { throw .bareLineFeed }
            scannedHeadBytes = pending.readableBytes
            pendingHead = pending
            return nil
        }
        guard end <= maxHeadBytes else { throw .headTooLarge }
        let raw = pending.readSlice(length: end)!
        pendingHead = nil
        scannedHeadBytes = 0
        buffer = pending
        return try RequestHeadReader.read(raw)
    }
}
