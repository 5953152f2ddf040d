import NIOCore

/// Finds the boundaries of HTTP/1.1 responses in the raw bytes from an instance without
/// materialising headers as strings: the proxy forwards the bytes and only needs the framing.
struct UpstreamResponseParser {
    private enum State {
        case head
        case fixed(remaining: Int)
        case chunked(ChunkedBodyScanner)
        case untilClose
        case tunnel
    }

    private struct Expectation {
        var isHeadRequest: Bool
        var dechunk: Bool
    }

    private var state = State.head
    private var pendingHead: ByteBuffer?
    private var scannedHeadBytes = 0
    private var expectations = CircularBuffer<Expectation>()
    let maxHeadBytes: Int

    init(maxHeadBytes: Int = 64 * 1024) {
        self.maxHeadBytes = maxHeadBytes
    }

    var isIdle: Bool {
        if case .head = state { return pendingHead == nil }
        return false
    }

    /// Each request written to the instance tells the parser what its response will look like.
    mutating func requestSent(isHeadRequest: Bool, dechunk: Bool) {
        expectations.append(Expectation(isHeadRequest: isHeadRequest, dechunk: dechunk))
    }

    mutating func feed(_ input: ByteBuffer, emit: (UpstreamResponseEvent) -> Void) throws {
        var buffer = input
        while buffer.readableBytes > 0 {
            switch state {
            case .head:
                try readHead(from: &buffer, emit: emit)
            case .fixed(let remaining):
                let count = min(remaining, buffer.readableBytes)
                emit(.body(buffer.readSlice(length: count)!))
                if remaining == count {
                    finishMessage(emit: emit)
                } else {
                    state = .fixed(remaining: remaining - count)
                }
            case .chunked(var scanner):
                let (forwarded, done) = try scanner.scan(&buffer)
                if forwarded.readableBytes > 0 { emit(.body(forwarded)) }
                if done { finishMessage(emit: emit) } else { state = .chunked(scanner) }
            case .untilClose, .tunnel:
                emit(.body(buffer))
                return
            }
        }
    }

    /// The instance closed its side; a body delimited by the close ends here, anything else
    /// unfinished is an error.
    mutating func endOfInput(emit: (UpstreamResponseEvent) -> Void) throws {
        switch state {
        case .untilClose:
            finishMessage(emit: emit)
        case .tunnel:
            return
        case .head where pendingHead == nil:
            return
        default:
            throw UpstreamResponseError(description: "the instance closed the connection in the middle of a response")
        }
    }

    private mutating func readHead(from buffer: inout ByteBuffer, emit: (UpstreamResponseEvent) -> Void) throws {
        if pendingHead == nil && buffer.readableBytes >= 4, let end = HeadBoundary.end(in: buffer, from: 0) {
            let raw = buffer.readSlice(length: end)!
            try headComplete(raw, emit: emit)
            return
        }
        var pending = pendingHead ?? ByteBufferAllocator().buffer(capacity: buffer.readableBytes)
        let searchFrom = max(0, scannedHeadBytes - 3)
        pending.writeImmutableBuffer(buffer)
        buffer.moveReaderIndex(to: buffer.writerIndex)
        guard let end = HeadBoundary.end(in: pending, from: searchFrom) else {
            guard pending.readableBytes <= maxHeadBytes else {
                throw UpstreamResponseError(description: "the instance sent a response head over \(maxHeadBytes) bytes")
            }
            scannedHeadBytes = pending.readableBytes
            pendingHead = pending
            return
        }
        let raw = pending.readSlice(length: end)!
        pendingHead = nil
        scannedHeadBytes = 0
        buffer = pending
        try headComplete(raw, emit: emit)
    }

    private mutating func headComplete(_ raw: ByteBuffer, emit: (UpstreamResponseEvent) -> Void) throws {
        guard let expectation = expectations.first else {
            throw UpstreamResponseError(description: "the instance sent a response nobody asked for")
        }
        var head = try ResponseHeadReader.read(raw)
        if head.isInformational {
            emit(.head(head))
            return
        }
        if expectation.isHeadRequest || head.status == 204 || head.status == 304 {
            head.framing = .none
        }
        emit(.head(head))
        switch head.framing {
        case .none, .contentLength(0): finishMessage(emit: emit)
        case .contentLength(let length): state = .fixed(remaining: length)
        case .chunked: state = .chunked(ChunkedBodyScanner(dechunk: expectation.dechunk))
        case .untilClose: state = .untilClose
        case .tunnel: state = .tunnel
        }
    }

    private mutating func finishMessage(emit: (UpstreamResponseEvent) -> Void) {
        _ = expectations.popFirst()
        state = .head
        emit(.end)
    }
}
