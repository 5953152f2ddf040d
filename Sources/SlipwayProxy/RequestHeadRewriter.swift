import NIOCore

/// Builds the head sent to the instance from the client's raw head, byte for byte: always
/// HTTP/1.1 keep-alive (unless the client asks for an upgrade), hop-by-hop headers left with the
/// client's connection, and `X-Forwarded-For`, `-Proto` and `-Host` telling the instance who asked.
enum RequestHeadRewriter {
    /// Writes the head into `storage`, whose allocation is reused when nothing else still holds
    /// it (the previous request's head has been sent and its exchange ended), and returns it.
    static func rewrite(_ head: ClientRequestHead, clientAddress: String?, into storage: inout ByteBuffer) -> ByteBuffer {
        storage.clear()
        storage.reserveCapacity(head.raw.readableBytes + 160)
        return head.raw.withUnsafeReadableBytes { bytes -> ByteBuffer in
            let requestLineEnd = bytes.firstIndex(of: UInt8(ascii: "\r"))!
            // Kept bytes are copied in runs between dropped lines, not line by line: a head
            // usually loses a line or two at most.
            var runStart = 0
            var host: UnsafeRawBufferPointer?
            if let absolute = head.absoluteForm {
                host = UnsafeRawBufferPointer(rebasing: bytes[absolute.authorityStart..<(absolute.authorityStart + absolute.authorityLength)])
                writeOriginFormRequestLine(head, absolute, bytes, into: &storage)
                storage.writeStaticString("host: ")
                storage.writeBytes(host!)
                storage.writeStaticString("\r\n")
                runStart = requestLineEnd + 2
            } else if bytes[requestLineEnd - 1] != UInt8(ascii: "1") {
                storage.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<(requestLineEnd - 8)]))
                storage.writeStaticString("HTTP/1.1\r\n")
                runStart = requestLineEnd + 2
            }
            let hostFromTarget = host != nil
            var forwardedFor: UnsafeRawBufferPointer?
            var upgrade: UnsafeRawBufferPointer?
            var named: [UnsafeRawBufferPointer] = []
            // Two passes over the lines rather than one that stores them: the headers a Connection
            // header names are only known at its end, and the common head needs no allocation.
            forEachHeader(bytes, from: requestLineEnd + 2) { name, _, value in
                if !hostFromTarget && HeaderBytes.equalsIgnoringCase(name, "host") { host = value }
                if HeaderBytes.equalsIgnoringCase(name, "x-forwarded-for") { forwardedFor = value }
                if HeaderBytes.equalsIgnoringCase(name, "upgrade") { upgrade = value }
                if HeaderBytes.equalsIgnoringCase(name, "connection") {
                    named += value.split(separator: UInt8(ascii: ",")).map { HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: $0)) }
                }
            }
            forEachHeader(bytes, from: requestLineEnd + 2) { name, line, _ in
                guard isDropped(name, named: named) || (hostFromTarget && HeaderBytes.equalsIgnoringCase(name, "host")) else { return }
                let lineStart = line.baseAddress! - bytes.baseAddress!
                storage.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<lineStart]))
                runStart = lineStart + line.count
            }
            storage.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<max(runStart, bytes.count - 2)]))
            if head.isUpgrade, let upgrade {
                storage.writeStaticString("connection: upgrade\r\nupgrade: ")
                storage.writeBytes(upgrade)
                storage.writeStaticString("\r\n")
            }
            if let clientAddress {
                storage.writeStaticString("x-forwarded-for: ")
                if let forwardedFor {
                    storage.writeBytes(forwardedFor)
                    storage.writeStaticString(", ")
                }
                storage.writeString(clientAddress)
                storage.writeStaticString("\r\nx-forwarded-proto: http\r\n")
            } else {
                storage.writeStaticString("x-forwarded-proto: http\r\n")
            }
            if let host {
                storage.writeStaticString("x-forwarded-host: ")
                storage.writeBytes(host)
                storage.writeStaticString("\r\n\r\n")
            } else {
                storage.writeStaticString("\r\n")
            }
            return storage
        }
    }

    /// `METHOD /path?query HTTP/1.1`: the target without scheme and authority, `/` when it has no
    /// path (`*` for OPTIONS, RFC 9112 §3.2.4).
    private static func writeOriginFormRequestLine(
        _ head: ClientRequestHead, _ absolute: AbsoluteFormTarget, _ bytes: UnsafeRawBufferPointer, into storage: inout ByteBuffer
    ) {
        let targetEnd = head.methodLength + 1 + head.targetLength
        storage.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0...head.methodLength]))
        let path = UnsafeRawBufferPointer(rebasing: bytes[absolute.pathStart..<targetEnd])
        if path.first != UInt8(ascii: "/") {
            let isOptions = head.methodLength == 7 && bytes.starts(with: "OPTIONS".utf8)
            storage.writeStaticString(isOptions && path.isEmpty ? "*" : "/")
        }
        storage.writeBytes(path)
        storage.writeStaticString(" HTTP/1.1\r\n")
    }

    /// Calls `body` with each header line's name, whole line (CRLF included) and trimmed value.
    private static func forEachHeader(
        _ bytes: UnsafeRawBufferPointer,
        from first: Int,
        _ body: (_ name: UnsafeRawBufferPointer, _ line: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void
    ) {
        var start = first
        while start < bytes.count - 2 {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\r"))!
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<(end + 2)])
            let colon = line.firstIndex(of: UInt8(ascii: ":"))!
            let name = UnsafeRawBufferPointer(rebasing: line[line.startIndex..<colon])
            body(name, line, HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)..<(line.endIndex - 2)])))
            start = end + 2
        }
    }

    private static func isDropped(_ name: UnsafeRawBufferPointer, named: [UnsafeRawBufferPointer]) -> Bool {
        HeaderBytes.isHopByHop(name) || isReplaced(name)
            || (!named.isEmpty && named.contains { HeaderBytes.equalsIgnoringCase(name, $0) })
    }

    /// The forwarding headers the proxy writes itself.
    private static func isReplaced(_ name: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 15: HeaderBytes.equalsIgnoringCase(name, "x-forwarded-for")
        case 16: HeaderBytes.equalsIgnoringCase(name, "x-forwarded-host")
        case 17: HeaderBytes.equalsIgnoringCase(name, "x-forwarded-proto")
        default: false
        }
    }
}
