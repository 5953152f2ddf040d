import NIOCore

/// Reads the few facts the proxy needs from a raw response head: status, version, whether the
/// connection may be kept alive, how the body is delimited, and which lines the rewriter drops.
enum ResponseHeadReader {
    static func read(_ raw: ByteBuffer) throws -> UpstreamResponseHead {
        try raw.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 12, bytes.starts(with: "HTTP/1.".utf8),
                let minor = digit(bytes[7]), bytes[8] == UInt8(ascii: " "),
                let s1 = digit(bytes[9]), let s2 = digit(bytes[10]), let s3 = digit(bytes[11])
            else { throw UpstreamResponseError(description: "the instance sent something that is not an HTTP/1.x response") }
            let status = s1 * 100 + s2 * 10 + s3
            var head = UpstreamResponseHead(status: status, closeRequested: minor == 0, framing: .untilClose, raw: raw)
            var contentLength: Int?
            var chunked = false
            var transferEncoding = false
            var lineStart = (HeaderBytes.index(of: UInt8(ascii: "\n"), in: bytes, from: 0) ?? bytes.count) + 1
            while lineStart < bytes.count - 2 {
                let lineEnd = HeaderBytes.index(of: UInt8(ascii: "\n"), in: bytes, from: lineStart) ?? bytes.count
                // Instances may end lines with a bare LF; neither LF nor CR belongs to the value.
                let contentEnd = lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") ? lineEnd - 1 : lineEnd
                let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<contentEnd])
                lineStart = lineEnd + 1
                guard let colon = HeaderBytes.index(of: UInt8(ascii: ":"), in: line, from: 0) else { continue }
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
                    head.transferEncodingLines += 1
                } else if HeaderBytes.equalsIgnoringCase(name, "connection") {
                    head.hopByHopLines += 1
                    readConnection(value, into: &head)
                } else if HeaderBytes.isHopByHop(name) {
                    head.hopByHopLines += 1
                }
            }
            if status == 101 {
                head.framing = .tunnel
            } else if transferEncoding {
                head.framing = chunked ? .chunked : .untilClose
            } else if let contentLength {
                head.framing = .contentLength(contentLength)
            }
            return head
        }
    }

    private static func readConnection(_ value: UnsafeRawBufferPointer, into head: inout UpstreamResponseHead) {
        var close = false
        var keepAlive = false
        HeaderBytes.forEachToken(value) { token in
            if HeaderBytes.equalsIgnoringCase(token, "close") {
                close = true
            } else if HeaderBytes.equalsIgnoringCase(token, "keep-alive") {
                keepAlive = true
            } else if !token.isEmpty {
                head.connectionNamesHeaders = true
            }
        }
        if close { head.closeRequested = true }
        if keepAlive { head.closeRequested = false }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
