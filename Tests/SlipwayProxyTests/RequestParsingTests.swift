import NIOCore
@testable import SlipwayProxy
import Testing

@Suite("ClientRequestParser, RequestHeadReader and RequestHeadRewriter")
struct RequestParsingTests {
    private enum Seen: Equatable {
        case head(String, String, RequestFraming, keepAlive: Bool, upgrade: Bool)
        case body(String)
        case end
    }

    private func parse(_ parts: [String], maxHeadBytes: Int = 1024) throws(ClientRequestError) -> [Seen] {
        var parser = ClientRequestParser(maxHeadBytes: maxHeadBytes)
        var seen: [Seen] = []
        for part in parts {
            try parser.feed(ByteBuffer(string: part)) { event in
                switch event {
                case .head(let head):
                    seen.append(.head(head.method, head.target, head.framing, keepAlive: head.keepAlive, upgrade: head.isUpgrade))
                case .body(let body): seen.append(.body(String(buffer: body)))
                case .end: seen.append(.end)
                }
            }
        }
        return seen
    }

    @Test("pipelined requests with content-length and chunked bodies, split anywhere")
    func pipelined() throws {
        let stream = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "PUT /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
            + "GET /c HTTP/1.0\r\n\r\n"
        for split in [1, 17, 50, 61, 99] {
            let prefix = String(stream.prefix(split))
            let seen = try parse([prefix, String(stream.dropFirst(split))])
            let bodies = seen.compactMap { if case .body(let text) = $0 { text } else { nil } }.joined()
            #expect(bodies == "abc2\r\nhi\r\n0\r\n\r\n")
            #expect(seen.filter { if case .head = $0 { true } else { false } } == [
                .head("POST", "/a", .contentLength(3), keepAlive: true, upgrade: false),
                .head("PUT", "/b", .chunked, keepAlive: true, upgrade: false),
                .head("GET", "/c", .none, keepAlive: false, upgrade: false),
            ])
            #expect(seen.filter { $0 == .end }.count == 3)
        }
    }

    @Test("bytes after an upgrade request are held, not parsed")
    func upgradeHolds() throws {
        var parser = ClientRequestParser(maxHeadBytes: 1024)
        var heads = 0
        try parser.feed(ByteBuffer(string: "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\nFRAME")) {
            if case .head(let head) = $0 { heads += 1; #expect(head.isUpgrade) }
        }
        try parser.feed(ByteBuffer(string: "MORE")) { _ in Issue.record("held bytes were parsed") }
        #expect(heads == 1)
        #expect(parser.isHolding)
        #expect(parser.takeHeldBytes().map { String(buffer: $0) } == "FRAMEMORE")
    }

    @Test("ambiguous or malformed requests are refused, each with its kind", arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRefusalKind.malformedHead),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferCoding),
        ("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n", .unsupportedTransferCoding),
        ("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
        ("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .unsupportedTransferCoding),
        ("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\nHost: x\n\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: x\n", .bareLineFeed),
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedHead),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .malformedHead),
        ("G@T / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedHead),
        ("GET / HTTP/1.1\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", .invalidHost),
        ("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", .invalidHost),
        ("GET http://u@a/x HTTP/1.1\r\nHost: a\r\n\r\n", .invalidHost),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformedChunkedBody),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", .malformedChunkedBody),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX", .malformedChunkedBody),
    ])
    func refused(request: String, kind: RequestRefusalKind) {
        #expect(throws: ClientRequestError.self) { try parse([request]) }
        do {
            _ = try parse([request])
        } catch {
            #expect(error.kind == kind)
        }
    }

    @Test("an HTTP/1.0 request needs no Host")
    func hostOptionalForHTTP10() throws {
        #expect(try parse(["GET /c HTTP/1.0\r\n\r\n"]) == [.head("GET", "/c", .none, keepAlive: false, upgrade: false), .end])
    }

    @Test("each refusal is answered with its status and a short reason", arguments: [
        (RequestRefusalKind.headTooLarge, "HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        (.malformedHead, "HTTP/1.1 400 Bad Request\r\n"),
        (.bareLineFeed, "HTTP/1.1 400 Bad Request\r\n"),
        (.invalidHost, "HTTP/1.1 400 Bad Request\r\n"),
        (.malformedChunkedBody, "HTTP/1.1 400 Bad Request\r\n"),
        (.unsupportedTransferCoding, "HTTP/1.1 501 Not Implemented\r\n"),
    ])
    func refusalResponse(kind: RequestRefusalKind, statusLine: String) {
        let response = LocalResponse.refusal(ClientRequestError(kind: kind, reason: "why"))
        let text = String(buffer: response.bytes(keepAlive: false, allocator: ByteBufferAllocator()))
        #expect(text.hasPrefix(statusLine))
        #expect(text.contains("connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\n\(response.status.code) \(response.status.reasonPhrase): why\n"))
    }

    @Test("a head over the limit is refused as too large, even before it is complete")
    func headTooLarge() {
        #expect(throws: ClientRequestError.headTooLarge) { try parse(["GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000)]) }
        #expect(throws: ClientRequestError.headTooLarge) { try parse(["GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000) + "\r\n\r\n"]) }
    }

    @Test("the instance's head drops hop-by-hop headers and carries the X-Forwarded headers")
    func rewrite() throws {
        let raw = "GET /a?b HTTP/1.0\r\nHost: shop.test:8080\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
            + "Keep-Alive: timeout=5\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Proto: https\r\nAccept: */*\r\n\r\n"
        let head = try RequestHeadReader.read(ByteBuffer(string: raw))
        var storage = ByteBuffer()
        let rewritten = String(buffer: RequestHeadRewriter.rewrite(head, clientAddress: "127.0.0.1", into: &storage))
        #expect(rewritten == "GET /a?b HTTP/1.1\r\nHost: shop.test:8080\r\nAccept: */*\r\n"
            + "x-forwarded-for: 1.2.3.4, 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: shop.test:8080\r\n\r\n")
    }

    @Test("a head rewritten into storage an earlier head still holds leaves the earlier head as it was")
    func rewriteReusesOnlyFreeStorage() throws {
        var storage = ByteBuffer()
        let first = RequestHeadRewriter.rewrite(try RequestHeadReader.read(ByteBuffer(string: "GET /first HTTP/1.1\r\nHost: a\r\n\r\n")), clientAddress: nil, into: &storage)
        let second = RequestHeadRewriter.rewrite(try RequestHeadReader.read(ByteBuffer(string: "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n")), clientAddress: nil, into: &storage)
        #expect(String(buffer: first) == "GET /first HTTP/1.1\r\nHost: a\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n\r\n")
        #expect(String(buffer: second) == "GET /2 HTTP/1.1\r\nHost: b\r\nx-forwarded-proto: http\r\nx-forwarded-host: b\r\n\r\n")
    }

    @Test("an absolute-form target reaches the instance in origin form, with Host taken from it", arguments: [
        ("GET http://shop.test:8080/a?b HTTP/1.1\r\nHost: other\r\nAccept: */*\r\n\r\n", "GET /a?b HTTP/1.1", "shop.test:8080"),
        ("GET HTTPS://shop.test HTTP/1.0\r\n\r\n", "GET / HTTP/1.1", "shop.test"),
        ("GET http://shop.test?q HTTP/1.1\r\nHost: shop.test\r\nAccept: */*\r\n\r\n", "GET /?q HTTP/1.1", "shop.test"),
        ("OPTIONS http://shop.test HTTP/1.1\r\nHost: shop.test\r\n\r\n", "OPTIONS * HTTP/1.1", "shop.test"),
    ])
    func rewriteAbsoluteForm(raw: String, requestLine: String, host: String) throws {
        let head = try RequestHeadReader.read(ByteBuffer(string: raw))
        var storage = ByteBuffer()
        let rewritten = String(buffer: RequestHeadRewriter.rewrite(head, clientAddress: nil, into: &storage))
        let lines = rewritten.components(separatedBy: "\r\n")
        #expect(lines.first == requestLine)
        #expect(lines.filter { $0.lowercased().hasPrefix("host:") } == ["host: \(host)"])
        #expect(lines.contains("x-forwarded-host: \(host)"))
        #expect(rewritten.hasSuffix("\r\n\r\n"))
        #expect(lines.contains("Accept: */*") == raw.contains("Accept"))
    }

    @Test("an upgrade request keeps its Upgrade and Connection: upgrade")
    func rewriteUpgrade() throws {
        let head = try RequestHeadReader.read(ByteBuffer(string: "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"))
        var storage = ByteBuffer()
        let rewritten = String(buffer: RequestHeadRewriter.rewrite(head, clientAddress: nil, into: &storage))
        #expect(rewritten == "GET /ws HTTP/1.1\r\nHost: a\r\nconnection: upgrade\r\nupgrade: websocket\r\nx-forwarded-proto: http\r\nx-forwarded-host: a\r\n\r\n")
    }
}
