import NIOCore

/// Builds the head sent to the instance from the client's raw head, byte for byte: always
/// HTTP/1.1 keep-alive (unless the client asks for an upgrade), hop-by-hop headers left with the
/// client's connection, and `X-Forwarded-For`, `-Proto` and `-Host` telling the instance who asked.
enum RequestHeadRewriter {
    private static let hopByHop: [StaticString] = ["connection", "keep-alive", "proxy-connection", "te", "upgrade"]
    private static let replaced: [StaticString] = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]

    /// Writes the head into `storage`, whose allocation is reused when nothing else still holds
    /// it (the previous request's head has been sent and its exchange ended), and returns it.
    static func rewrite(_ head: ClientRequestHead, clientAddress: String?, into storage: inout ByteBuffer) -> ByteBuffer {
        storage.clear()
        storage.reserveCapacity(head.raw.readableBytes + 160)
        return head.raw.withUnsafeReadableBytes { bytes -> ByteBuffer in
            let requestLineEnd = bytes.firstIndex(of: UInt8(ascii: "\r"))!
            storage.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<(requestLineEnd - 8)]))
            storage.writeStaticString("HTTP/1.1\r\n")
            var host: UnsafeRawBufferPointer?
            var forwardedFor: UnsafeRawBufferPointer?
            var upgrade: UnsafeRawBufferPointer?
            var named: [UnsafeRawBufferPointer] = []
            // Two passes over the lines rather than one that stores them: the headers a Connection
            // header names are only known at its end, and the common head needs no allocation.
            forEachHeader(bytes, from: requestLineEnd + 2) { name, _, value in
                if HeaderBytes.equalsIgnoringCase(name, "host") { host = value }
                if HeaderBytes.equalsIgnoringCase(name, "x-forwarded-for") { forwardedFor = value }
                if HeaderBytes.equalsIgnoringCase(name, "upgrade") { upgrade = value }
                if HeaderBytes.equalsIgnoringCase(name, "connection") {
                    named += value.split(separator: UInt8(ascii: ",")).map { HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: $0)) }
                }
            }
            forEachHeader(bytes, from: requestLineEnd + 2) { name, line, _ in
                if !isDropped(name, named: named) { storage.writeBytes(line) }
            }
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
                storage.writeStaticString("\r\n")
            }
            storage.writeStaticString("x-forwarded-proto: http\r\n")
            if let host {
                storage.writeStaticString("x-forwarded-host: ")
                storage.writeBytes(host)
                storage.writeStaticString("\r\n")
            }
            storage.writeStaticString("\r\n")
            return storage
        }
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
        hopByHop.contains { HeaderBytes.equalsIgnoringCase(name, $0) }
            || replaced.contains { HeaderBytes.equalsIgnoringCase(name, $0) }
            || named.contains { HeaderBytes.equalsIgnoringCase(name, $0) }
    }
}
