import NIOCore

/// How the proxy passes a response body on to the client.
enum ClientBodyFraming: Equatable {
    /// The bytes go out as the instance framed them.
    case verbatim
    /// The instance delimited the body by closing; each part is sent as an HTTP/1.1 chunk.
    case chunkify
}

/// Rewrites a raw response head for the client's hop, byte for byte: hop-by-hop headers stay
/// with the instance's connection, the version becomes HTTP/1.1, and framing is added where the
/// client's connection needs it. A head that needs none of this is passed on as it came.
enum ResponseHeadRewriter {
    struct Rewritten {
        var bytes: ByteBuffer
        var bodyFraming: ClientBodyFraming
        /// The client connection must close after this response (its body may be close-delimited).
        var closeAfter: Bool
    }

    private static let hopByHop: [StaticString] = ["connection", "keep-alive", "proxy-connection", "te", "upgrade"]

    static func rewrite(_ head: UpstreamResponseHead, clientSupportsChunking: Bool, clientKeepAlive: Bool) -> Rewritten {
        if head.framing == .tunnel || head.isInformational {
            return Rewritten(bytes: head.raw, bodyFraming: .verbatim, closeAfter: false)
        }
        var closeAfter = !clientKeepAlive
        var bodyFraming = ClientBodyFraming.verbatim
        var extra = ""
        var dropTransferEncoding = false
        switch head.framing {
        case .chunked where !clientSupportsChunking:
            dropTransferEncoding = true
            closeAfter = true
        case .untilClose where clientSupportsChunking:
            extra += "transfer-encoding: chunked\r\n"
            bodyFraming = .chunkify
        case .untilClose:
            closeAfter = true
        default:
            break
        }
        if closeAfter {
            extra += "connection: close\r\n"
        } else if !clientSupportsChunking {
            extra += "connection: keep-alive\r\n"
        }
        let bytes = filtered(head.raw, dropTransferEncoding: dropTransferEncoding, extra: extra)
        return Rewritten(bytes: bytes, bodyFraming: bodyFraming, closeAfter: closeAfter)
    }

    private static func filtered(_ raw: ByteBuffer, dropTransferEncoding: Bool, extra: String) -> ByteBuffer {
        raw.withUnsafeReadableBytes { bytes -> ByteBuffer in
            let versionIsCurrent = bytes[7] == UInt8(ascii: "1")
            if versionIsCurrent && extra.isEmpty && !hasHopByHopHeader(bytes, dropTransferEncoding: dropTransferEncoding) {
                return raw
            }
            let lines = headerLines(bytes)
            let named = connectionTokens(bytes, lines: lines)
            let drop = lines.map { line -> Bool in
                let name = headerName(bytes, line)
                return isHopByHop(name, dropTransferEncoding: dropTransferEncoding)
                    || named.contains { HeaderBytes.equalsIgnoringCase(name, $0) }
            }

            var output = ByteBufferAllocator().buffer(capacity: raw.readableBytes + extra.utf8.count)
            output.writeStaticString("HTTP/1.1")
            let statusLineEnd = lines.first?.lowerBound ?? bytes.count - 2
            output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[8..<statusLineEnd]))
            for (line, dropped) in zip(lines, drop) where !dropped {
                output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[line]))
            }
            output.writeString(extra)
            output.writeStaticString("\r\n")
            return output
        }
    }

    /// The common case, a head passed on as it came, is decided without allocating: a header
    /// named by a Connection header can only be there when a Connection header is, which is hop-by-hop itself.
    private static func hasHopByHopHeader(_ bytes: UnsafeRawBufferPointer, dropTransferEncoding: Bool) -> Bool {
        guard var start = bytes.firstIndex(of: UInt8(ascii: "\n")).map({ $0 + 1 }) else { return false }
        while start < bytes.count - 2 {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
            if isHopByHop(headerName(bytes, start..<end), dropTransferEncoding: dropTransferEncoding) { return true }
            start = end
        }
        return false
    }

    private static func isHopByHop(_ name: UnsafeRawBufferPointer, dropTransferEncoding: Bool) -> Bool {
        hopByHop.contains { HeaderBytes.equalsIgnoringCase(name, $0) }
            || (dropTransferEncoding && HeaderBytes.equalsIgnoringCase(name, "transfer-encoding"))
    }

    /// Byte ranges of the header lines, each with its CRLF; the status line and the final CRLF excluded.
    private static func headerLines(_ bytes: UnsafeRawBufferPointer) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        guard var start = bytes.firstIndex(of: UInt8(ascii: "\n")).map({ $0 + 1 }) else { return lines }
        while start < bytes.count - 2 {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
            lines.append(start..<end)
            start = end
        }
        return lines
    }

    private static func headerName(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> UnsafeRawBufferPointer {
        let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) ?? line.lowerBound
        return UnsafeRawBufferPointer(rebasing: bytes[line.lowerBound..<colon])
    }

    /// Header names listed in Connection headers, which are hop-by-hop too (RFC 9110 §7.6.1).
    private static func connectionTokens(_ bytes: UnsafeRawBufferPointer, lines: [Range<Int>]) -> [UnsafeRawBufferPointer] {
        var tokens: [UnsafeRawBufferPointer] = []
        for line in lines where HeaderBytes.equalsIgnoringCase(headerName(bytes, line), "connection") {
            let colon = bytes[line].firstIndex(of: UInt8(ascii: ":"))! + 1
            // Instances may end lines with a bare LF; neither LF nor CR belongs to the value.
            var end = line.upperBound
            while end > colon && (bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r")) { end -= 1 }
            let value = HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: bytes[colon..<end]))
            for token in value.split(separator: UInt8(ascii: ",")) {
                let name = HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: token))
                if !name.isEmpty && !HeaderBytes.equalsIgnoringCase(name, "close") && !HeaderBytes.equalsIgnoringCase(name, "keep-alive") {
                    tokens.append(name)
                }
            }
        }
        return tokens
    }
}
