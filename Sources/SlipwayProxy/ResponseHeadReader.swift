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
                    let value = HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
                    if HeaderBytes.equalsIgnoringCase(name, "content-length") {
                        guard let length = HeaderBytes.decimal(value), contentLength == nil || contentLength == length else {
                            throw UpstreamResponseError(description: "the instance sent an invalid Content-Length")
                        }
                        contentLength = length
                    } else if HeaderBytes.equalsIgnoringCase(name, "transfer-encoding") {
                        transferEncoding = true
                        chunked = HeaderBytes.lastTokenIs(value, "chunked")
                    } else if HeaderBytes.equalsIgnoringCase(name, "connection") {
                        if HeaderBytes.containsToken(value, "close") { close = true }
                        if HeaderBytes.containsToken(value, "keep-alive") { close = false }
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

}
