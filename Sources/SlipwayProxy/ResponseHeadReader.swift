import NIOCore

/// Reads the few facts the proxy needs from a raw response head: status, version, whether the
/// connection may be kept alive, and how the body is delimited.
enum ResponseHeadReader {
    static func read(_ raw: ByteBuffer) throws -> UpstreamResponseHead {
        try raw.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 12, bytes.starts(with: "HTTP/1.".utf8),
                let minor = digit(bytes[7]), bytes[8] == UInt8(ascii: " "),
                let s1 = digit(bytes[9]), let s2 = digit(bytes[10]), let s3 = digit(bytes[11])
            else { throw UpstreamResponseError(description: "the instance sent something that is not an HTTP/1.x response") }
            let status = s1 * 100 + s2 * 10 + s3
            var contentLength: Int?
            var chunked = false
            var transferEncoding = false
            var close = minor == 0
            var lineStart = (firstLineEnd(bytes) ?? bytes.count) + 1
            while lineStart < bytes.count - 2 {
                let lineEnd = nextLineFeed(bytes, from: lineStart) ?? bytes.count
                let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<max(lineStart, lineEnd - 1)])
                if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                    let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
                    let value = trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
                    if equalsIgnoringCase(name, "content-length") {
                        guard let length = decimal(value), contentLength == nil || contentLength == length else {
                            throw UpstreamResponseError(description: "the instance sent an invalid Content-Length")
                        }
                        contentLength = length
                    } else if equalsIgnoringCase(name, "transfer-encoding") {
                        transferEncoding = true
                        chunked = endsWithIgnoringCase(value, "chunked")
                    } else if equalsIgnoringCase(name, "connection") {
                        if containsToken(value, "close") { close = true }
                        if containsToken(value, "keep-alive") { close = false }
                    }
                }
                lineStart = lineEnd + 1
            }
            let framing: ResponseFraming
            if status == 101 {
                framing = .tunnel
            } else if transferEncoding {
                framing = chunked ? .chunked : .untilClose
            } else if let contentLength {
                framing = .contentLength(contentLength)
            } else {
                framing = .untilClose
            }
            return UpstreamResponseHead(status: status, closeRequested: close, framing: framing, raw: raw)
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func firstLineEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        nextLineFeed(bytes, from: 0)
    }

    private static func nextLineFeed(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    private static func trimmed(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = value.startIndex
        var end = value.endIndex
        while start < end && (value[start] == UInt8(ascii: " ") || value[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (value[end - 1] == UInt8(ascii: " ") || value[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: value[start..<end])
    }

    private static func decimal(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var result = 0
        for byte in value {
            guard let digit = digit(byte) else { return nil }
            result = result * 10 + digit
        }
        return result
    }

    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] | 0x20 {
            return false
        }
        return true
    }

    private static func endsWithIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - count)...]), suffix)
    }

    private static func containsToken(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var start = value.startIndex
        while start <= value.endIndex {
            let end = value[start...].firstIndex(of: UInt8(ascii: ",")) ?? value.endIndex
            if equalsIgnoringCase(trimmed(UnsafeRawBufferPointer(rebasing: value[start..<end])), token) { return true }
            start = end + 1
        }
        return false
    }
}
