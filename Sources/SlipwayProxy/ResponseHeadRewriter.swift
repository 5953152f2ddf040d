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
        /// `bytes` is the storage passed in, not the instance's head as it came.
        var isInStorage: Bool
    }

    /// A head that must change is written into `storage`, whose allocation is reused when the
    /// previous head written there has been sent.
    static func rewrite(
        _ head: UpstreamResponseHead,
        clientSupportsChunking: Bool,
        clientKeepAlive: Bool,
        into storage: inout ByteBuffer
    ) -> Rewritten {
        if head.framing == .tunnel || head.isInformational {
            return Rewritten(bytes: head.raw, bodyFraming: .verbatim, closeAfter: false, isInStorage: false)
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
        let bytes = filtered(head, dropTransferEncoding: dropTransferEncoding, extra: extra, into: &storage)
        return Rewritten(bytes: bytes ?? head.raw, bodyFraming: bodyFraming, closeAfter: closeAfter, isInStorage: bytes != nil)
    }

    /// The head without its hop-by-hop lines, as counted by `ResponseHeadReader`; nil when it
    /// may go out as it came.
    private static func filtered(
        _ head: UpstreamResponseHead,
        dropTransferEncoding: Bool,
        extra: String,
        into output: inout ByteBuffer
    ) -> ByteBuffer? {
        let droppedLines = head.hopByHopLines + (dropTransferEncoding ? head.transferEncodingLines : 0)
        let namesOtherHeaders = head.connectionNamesHeaders
        return head.raw.withUnsafeReadableBytes { bytes -> ByteBuffer? in
            let versionIsCurrent = bytes[7] == UInt8(ascii: "1")
            if versionIsCurrent && extra.isEmpty && droppedLines == 0 { return nil }
            output.clear()
            output.reserveCapacity(bytes.count + extra.utf8.count)
            // Kept bytes are copied in runs between dropped lines, not line by line: a head
            // usually loses one line or none.
            var runStart = 0
            if !versionIsCurrent {
                output.writeStaticString("HTTP/1.1")
                runStart = 8
            }
            forEachHeaderLine(bytes) { line, name in
                let dropped = isHopByHop(name, dropTransferEncoding: dropTransferEncoding)
                    || (namesOtherHeaders && isNamedByConnection(name, in: bytes))
                guard dropped else { return }
                let lineStart = line.baseAddress! - bytes.baseAddress!
                output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<lineStart]))
                runStart = lineStart + line.count
            }
            output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<max(runStart, bytes.count - 2)]))
            if !extra.isEmpty { output.writeString(extra) }
            output.writeStaticString("\r\n")
            return output
        }
    }

    private static func isHopByHop(_ name: UnsafeRawBufferPointer, dropTransferEncoding: Bool) -> Bool {
        HeaderBytes.isHopByHop(name) || (dropTransferEncoding && HeaderBytes.equalsIgnoringCase(name, "transfer-encoding"))
    }

    /// Calls `body` with each header line (its line feed included) and its name; the status line
    /// and the final empty line excluded.
    private static func forEachHeaderLine(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (_ line: UnsafeRawBufferPointer, _ name: UnsafeRawBufferPointer) -> Void
    ) {
        guard var start = HeaderBytes.index(of: UInt8(ascii: "\n"), in: bytes, from: 0).map({ $0 + 1 }) else { return }
        while start < bytes.count - 2 {
            let end = HeaderBytes.index(of: UInt8(ascii: "\n"), in: bytes, from: start).map { $0 + 1 } ?? bytes.count
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            let colon = HeaderBytes.index(of: UInt8(ascii: ":"), in: line, from: 0) ?? 0
            body(line, UnsafeRawBufferPointer(rebasing: line[line.startIndex..<colon]))
            start = end
        }
    }

    /// Whether a Connection header of the head lists `name` (RFC 9110 §7.6.1).
    private static func isNamedByConnection(_ name: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer) -> Bool {
        var named = false
        forEachHeaderLine(bytes) { line, lineName in
            guard HeaderBytes.equalsIgnoringCase(lineName, "connection") else { return }
            forEachConnectionToken(line) { if HeaderBytes.equalsIgnoringCase(name, $0) { named = true } }
        }
        return named
    }

    /// The header names a Connection header line lists, leaving out `close` and `keep-alive`.
    private static func forEachConnectionToken(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        let colon = line.firstIndex(of: UInt8(ascii: ":"))! + 1
        // Instances may end lines with a bare LF; neither LF nor CR belongs to the value.
        var end = line.endIndex
        while end > colon && (line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r")) { end -= 1 }
        HeaderBytes.forEachToken(HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: line[colon..<end]))) { token in
            if !token.isEmpty && !HeaderBytes.equalsIgnoringCase(token, "close") && !HeaderBytes.equalsIgnoringCase(token, "keep-alive") {
                body(token)
            }
        }
    }
}
