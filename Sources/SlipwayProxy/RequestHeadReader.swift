import NIOCore

/// Reads a client's raw request head strictly: anything ambiguous about where the request ends
/// (both Content-Length and Transfer-Encoding, differing lengths, folded or malformed lines) is
/// refused, since the instance will parse the same bytes again and must reach the same answer.
enum RequestHeadReader {
    static func read(_ raw: ByteBuffer) throws(ClientRequestError) -> ClientRequestHead {
        let result: Result<ClientRequestHead, ClientRequestError> = raw.withUnsafeReadableBytes { bytes in
            Result { () throws(ClientRequestError) -> ClientRequestHead in try parse(bytes, raw: raw) }
        }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, raw: ByteBuffer) throws(ClientRequestError) -> ClientRequestHead {
        guard let requestLineEnd = lineEnd(bytes, from: 0) else { throw .malformed("no request line") }
        let (methodLength, targetLength, minor) = try requestLine(UnsafeRawBufferPointer(rebasing: bytes[0..<requestLineEnd]))
        var contentLength: Int?
        var transferEncoding: UnsafeRawBufferPointer?
        var close = minor == 0
        var connectionUpgrade = false
        var upgradeHeader = false
        var start = requestLineEnd + 2
        while start < bytes.count - 2 {
            guard let end = lineEnd(bytes, from: start) else { throw .malformed("a header line without CRLF") }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy(isTokenByte)
            else { throw .malformed("a malformed header line") }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            let value = HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
            guard !value.contains(0) else { throw .malformed("a NUL in a header value") }
            if HeaderBytes.equalsIgnoringCase(name, "content-length") {
                guard let length = HeaderBytes.decimal(value), contentLength == nil || contentLength == length else {
                    throw .malformed("an invalid Content-Length")
                }
                contentLength = length
            } else if HeaderBytes.equalsIgnoringCase(name, "transfer-encoding") {
                guard transferEncoding == nil else { throw .malformed("repeated Transfer-Encoding") }
                transferEncoding = value
            } else if HeaderBytes.equalsIgnoringCase(name, "connection") {
                if HeaderBytes.containsToken(value, "close") { close = true }
                if HeaderBytes.containsToken(value, "keep-alive") { close = false }
                if HeaderBytes.containsToken(value, "upgrade") { connectionUpgrade = true }
            } else if HeaderBytes.equalsIgnoringCase(name, "upgrade") {
                upgradeHeader = true
            }
            start = end + 2
        }
        let framing: RequestFraming
        if let transferEncoding {
            guard minor == 1, contentLength == nil, HeaderBytes.lastTokenIs(transferEncoding, "chunked") else {
                throw .malformed("a Transfer-Encoding the proxy cannot delimit")
            }
            framing = .chunked
        } else if let contentLength, contentLength > 0 {
            framing = .contentLength(contentLength)
        } else {
            framing = .none
        }
        return ClientRequestHead(
            minorVersion: minor, keepAlive: !close, framing: framing,
            isUpgrade: connectionUpgrade && upgradeHeader, raw: raw,
            isHeadRequest: methodLength == 4 && bytes.starts(with: "HEAD".utf8),
            methodLength: methodLength, targetLength: targetLength
        )
    }

    /// `METHOD SP target SP HTTP/1.x`, nothing more and nothing less; returns the lengths of
    /// method and target, and the minor version.
    private static func requestLine(_ line: UnsafeRawBufferPointer) throws(ClientRequestError) -> (Int, Int, Int) {
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")), firstSpace > 0,
            line[..<firstSpace].allSatisfy(isTokenByte)
        else { throw .malformed("a malformed request line") }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: UInt8(ascii: " ")), secondSpace > firstSpace + 1,
            rest[..<secondSpace].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw .malformed("a malformed request target") }
        let version = UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...])
        guard version.count == 8, version.starts(with: "HTTP/1.".utf8),
            version[7] == UInt8(ascii: "0") || version[7] == UInt8(ascii: "1")
        else { throw .malformed("an unsupported HTTP version") }
        return (firstSpace, secondSpace - firstSpace - 1, Int(version[7] - UInt8(ascii: "0")))
    }

    /// Index of the CR of the CRLF ending the line that starts at `start`; a bare LF or CR is refused.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\r"): return bytes[index + 1] == UInt8(ascii: "\n") ? index : nil
            case UInt8(ascii: "\n"): return nil
            default: index += 1
            }
        }
        return nil
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

}
