import NIOCore

/// Follows chunked transfer coding through a byte stream to find where the body ends,
/// passing the bytes on verbatim or, for clients that cannot take chunks, only the data.
struct ChunkedBodyScanner {
    private enum State {
        case size(value: Int, digits: Int)
        case extensions
        case sizeLineFeed(value: Int)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine
        case finalLineFeed
    }

    private var state = State.size(value: 0, digits: 0)
    private let dechunk: Bool

    init(dechunk: Bool) {
        self.dechunk = dechunk
    }

    /// Consumes bytes up to the end of the body at most. Returns what to pass on and whether the body ended.
    mutating func scan(_ buffer: inout ByteBuffer) throws -> (forwarded: ByteBuffer, done: Bool) {
        let start = buffer.readerIndex
        var data = ByteBuffer()
        var index = start
        let end = buffer.writerIndex
        var done = false
        while index < end && !done {
            if case .data(let remaining) = state {
                let count = min(remaining, end - index)
                if dechunk { data.writeImmutableBuffer(buffer.getSlice(at: index, length: count)!) }
                index += count
                state = remaining == count ? .dataCarriageReturn : .data(remaining: remaining - count)
                continue
            }
            done = try step(buffer.getInteger(at: index, as: UInt8.self)!)
            index += 1
        }
        let consumed = buffer.readSlice(length: index - start)!
        return (dechunk ? data : consumed, done)
    }

    /// Advances over one framing byte; true when it was the last byte of the body.
    private mutating func step(_ byte: UInt8) throws -> Bool {
        switch state {
        case .size(let value, let digits):
            if let digit = Self.hexValue(byte) {
                guard digits < 15 else { throw Self.malformed }
                state = .size(value: value * 16 + digit, digits: digits + 1)
            } else if digits > 0 && byte == UInt8(ascii: "\r") {
                state = .sizeLineFeed(value: value)
            } else if digits > 0 && (byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) {
                state = .extensions
                pendingSize = value
            } else {
                throw Self.malformed
            }
        case .extensions:
            if byte == UInt8(ascii: "\r") { state = .sizeLineFeed(value: pendingSize) }
        case .sizeLineFeed(let value):
            guard byte == UInt8(ascii: "\n") else { throw Self.malformed }
            state = value == 0 ? .trailerLineStart : .data(remaining: value)
        case .data:
            preconditionFailure("data bytes are skipped in bulk")
        case .dataCarriageReturn:
            guard byte == UInt8(ascii: "\r") else { throw Self.malformed }
            state = .dataLineFeed
        case .dataLineFeed:
            guard byte == UInt8(ascii: "\n") else { throw Self.malformed }
            state = .size(value: 0, digits: 0)
        case .trailerLineStart:
            state = byte == UInt8(ascii: "\r") ? .finalLineFeed : .trailerLine
        case .trailerLine:
            if byte == UInt8(ascii: "\n") { state = .trailerLineStart }
        case .finalLineFeed:
            guard byte == UInt8(ascii: "\n") else { throw Self.malformed }
            return true
        }
        return false
    }

    private var pendingSize = 0

    private static let malformed = UpstreamResponseError(description: "the instance sent a malformed chunked body")

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
