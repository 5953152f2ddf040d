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
        let requestLineEnd = try lineEnd(bytes, from: 0)
        let (methodLength, targetLength, minor) = try requestLine(UnsafeRawBufferPointer(rebasing: bytes[0..<requestLineEnd]))
        var contentLength: Int?
        var transferEncoding: UnsafeRawBufferPointer?
        var hostLines = 0
        var close = minor == 0
        var connectionUpgrade = false
        var upgradeHeader = false
        var start = requestLineEnd + 2
        while start < bytes.count - 2 {
            let end = try lineEnd(bytes, from: start)
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy(isTokenByte)
            else { throw .malformed("a malformed header line") }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            let value = HeaderBytes.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
            guard !value.contains(0) else { throw .malformed("a NUL in a header value") }
            if HeaderBytes.equalsIgnoringCase(name, "host") {
                hostLines += 1
            } else if HeaderBytes.equalsIgnoringCase(name, "content-length") {
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
        // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host, any request at most one.
        guard hostLines == 1 || (minor == 0 && hostLines == 0) else {
            throw ClientRequestError(
                kind: .invalidHost, reason: hostLines == 0 ? "an HTTP/1.1 request without Host" : "more than one Host"
            )
        }
        let target = methodLength + 1
        let absoluteForm = try absoluteFormTarget(UnsafeRawBufferPointer(rebasing: bytes[target..<(target + targetLength)]), at: target)
        return ClientRequestHead(
            minorVersion: minor, keepAlive: !close,
            framing: try framing(transferEncoding: transferEncoding, contentLength: contentLength, minor: minor),
            isUpgrade: connectionUpgrade && upgradeHeader, raw: raw,
            isHeadRequest: methodLength == 4 && bytes.starts(with: "HEAD".utf8),
            methodLength: methodLength, targetLength: targetLength, absoluteForm: absoluteForm
        )
    }

    /// Checked in nginx's order: Transfer-Encoding in HTTP/1.0 is 400, a coding other than one
    /// `chunked` is 501 (nginx compares the whole value, so `identity, chunked` is 501 too), and
    /// `chunked` beside a Content-Length is 400.
    private static func framing(
        transferEncoding: UnsafeRawBufferPointer?, contentLength: Int?, minor: Int
    ) throws(ClientRequestError) -> RequestFraming {
        guard let transferEncoding else {
            guard let contentLength, contentLength > 0 else { return .none }
            return .contentLength(contentLength)
        }
        guard minor == 1 else { throw .malformed("Transfer-Encoding in an HTTP/1.0 request") }
        guard HeaderBytes.equalsIgnoringCase(transferEncoding, "chunked") else {
            throw ClientRequestError(kind: .unsupportedTransferCoding, reason: "a Transfer-Encoding other than chunked")
        }
        guard contentLength == nil else { throw .malformed("both Content-Length and Transfer-Encoding") }
        return .chunked
    }

    /// Where an `http://authority/path` target's parts lie (`at` is the target's offset in the
    /// head); nil for any other form. A target without a host, or with user information, is refused.
    private static func absoluteFormTarget(
        _ target: UnsafeRawBufferPointer, at offset: Int
    ) throws(ClientRequestError) -> AbsoluteFormTarget? {
        let schemeLength: Int
        if HeaderBytes.hasPrefixIgnoringCase(target, "http://") {
            schemeLength = 7
        } else if HeaderBytes.hasPrefixIgnoringCase(target, "https://") {
            schemeLength = 8
        } else {
            return nil
        }
        let authority = target[(target.startIndex + schemeLength)...]
        let authorityEnd = authority.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? target.endIndex
        let authorityStart = target.startIndex + schemeLength
        guard authorityEnd > authorityStart, !target[authorityStart..<authorityEnd].contains(UInt8(ascii: "@")) else {
            throw ClientRequestError(kind: .invalidHost, reason: "an absolute-form target without a usable host")
        }
        return AbsoluteFormTarget(
            authorityStart: offset + authorityStart, authorityLength: authorityEnd - authorityStart,
            pathStart: offset + authorityEnd
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

    /// Index of the CR of the CRLF ending the line that starts at `start`. A bare LF is refused
    /// rather than accepted as RFC 9112 §2.2 allows: the head is forwarded as it came, and an
    /// instance reading it more strictly would split it elsewhere.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(ClientRequestError) -> Int {
        var index = start
        while index + 1 < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\r"):
                guard bytes[index + 1] == UInt8(ascii: "\n") else { throw .malformed("a CR without LF") }
                return index
            case UInt8(ascii: "\n"): throw ClientRequestError.bareLineFeed
            default: index += 1
            }
        }
        throw .malformed("a line without CRLF")
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
