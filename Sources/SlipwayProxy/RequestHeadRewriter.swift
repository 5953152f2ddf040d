import NIOCore

/// Builds the head sent to the instance from the client's raw head, byte for byte: always
/// HTTP/1.1 keep-alive (unless the client asks for an upgrade), hop-by-hop headers left with the
/// client's connection, and `X-Forwarded-For`, `-Proto` and `-Host` telling the instance who asked.
enum RequestHeadRewriter {
    private static let hopByHop: [StaticString] = ["connection", "keep-alive", "proxy-connection", "te", "upgrade"]
    private static let replaced: [StaticString] = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]

    static func rewrite(_ head: ClientRequestHead, clientAddress: String?) -> ByteBuffer {
        head.raw.withUnsafeReadableBytes { bytes -> ByteBuffer in
            var output = ByteBufferAllocator().buffer(capacity: bytes.count + 160)
            let requestLineEnd = bytes.firstIndex(of: UInt8(ascii: "\r"))!
            output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<(requestLineEnd - 8)]))
            output.writeStaticString("HTTP/1.1\r\n")
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
                if !isDropped(name, named: named) { output.writeBytes(line) }
            }
            if head.isUpgrade, let upgrade {
                output.writeStaticString("connection: upgrade\r\nupgrade: ")
                output.writeBytes(upgrade)
                output.writeStaticString("\r\n")
            }
            if let clientAddress {
                output.writeStaticString("x-forwarded-for: ")
                if let forwardedFor {
                    output.writeBytes(forwardedFor)
                    output.writeStaticString(", ")
                }
                output.writeString(clientAddress)
                output.writeStaticString("\r\n")
            }
            output.writeStaticString("x-forwarded-proto: http\r\n")
            if let host {
                output.writeStaticString("x-forwarded-host: ")
                output.writeBytes(host)
                output.writeStaticString("\r\n")
            }
            output.writeStaticString("\r\n")
            return output
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
