import NIOCore
@testable import SlipwayProxy
import Testing

@Suite("UpstreamResponseParser and ResponseHeadRewriter")
struct ResponseParsingTests {
    private enum Seen: Equatable {
        case head(Int, ResponseFraming, keepAlive: Bool)
        case body(String)
        case end
    }

    /// Feeds `parts` one after the other, as separate reads would arrive.
    private func parse(_ parts: [String], isHead: Bool = false, dechunk: Bool = false, closeAtEnd: Bool = false) throws -> [Seen] {
        var parser = UpstreamResponseParser()
        parser.requestSent(isHeadRequest: isHead, dechunk: dechunk)
        var seen: [Seen] = []
        let record = { (event: UpstreamResponseEvent) in
            switch event {
            case .head(let head): seen.append(.head(head.status, head.framing, keepAlive: head.keepAlive))
            case .body(let body): if body.readableBytes > 0 { seen.append(.body(String(buffer: body))) }
            case .end: seen.append(.end)
            }
        }
        for part in parts { try parser.feed(ByteBuffer(string: part), emit: record) }
        if closeAtEnd { try parser.endOfInput(emit: record) }
        return seen
    }

    @Test("a content-length body split across reads, head split too")
    func contentLength() throws {
        let seen = try parse(["HTTP/1.1 200 OK\r\nContent-Le", "ngth: 10\r\n\r\nhello", "world"])
        #expect(seen == [.head(200, .contentLength(10), keepAlive: true), .body("hello"), .body("world"), .end])
    }

    @Test("a chunked body passes verbatim, trailers included, and ends at the last chunk")
    func chunkedVerbatim() throws {
        let body = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n"
        let seen = try parse(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body.prefix(12), String(body.dropFirst(12))])
        #expect(seen.first == .head(200, .chunked, keepAlive: true))
        #expect(seen.last == .end)
        let forwarded = seen.compactMap { if case .body(let text) = $0 { text } else { nil } }.joined()
        #expect(forwarded == body)
    }

    @Test("a chunked body is reduced to its data for clients that cannot take chunks")
    func chunkedDechunked() throws {
        let seen = try parse(["HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"], dechunk: true)
        #expect(seen == [.head(200, .chunked, keepAlive: true), .body("abcde"), .end])
    }

    @Test("HEAD, 204 and 304 responses have no body whatever their headers say")
    func bodiless() throws {
        #expect(try parse(["HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n"], isHead: true) == [.head(200, .none, keepAlive: true), .end])
        #expect(try parse(["HTTP/1.1 204 No Content\r\n\r\n"]) == [.head(204, .none, keepAlive: true), .end])
        #expect(try parse(["HTTP/1.1 304 Not Modified\r\ncontent-length: 5\r\n\r\n"]) == [.head(304, .none, keepAlive: true), .end])
    }

    @Test("an informational response comes before the final one of the same request")
    func informational() throws {
        let seen = try parse(["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"])
        #expect(seen == [.head(100, .untilClose, keepAlive: false), .head(200, .contentLength(2), keepAlive: true), .body("ok"), .end])
    }

    @Test("a body without length ends when the instance closes, and the connection is not reusable")
    func untilClose() throws {
        let seen = try parse(["HTTP/1.0 200 OK\r\n\r\nsome", " bytes"], closeAtEnd: true)
        #expect(seen == [.head(200, .untilClose, keepAlive: false), .body("some"), .body(" bytes"), .end])
    }

    @Test("Connection: close and HTTP/1.0 without keep-alive make the connection single-use")
    func keepAlive() throws {
        #expect(try parse(["HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"]).first == .head(200, .contentLength(0), keepAlive: false))
        #expect(try parse(["HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\ncontent-length: 0\r\n\r\n"]).first == .head(200, .contentLength(0), keepAlive: true))
    }

    @Test("a truncated response, garbage and conflicting lengths are errors")
    func errors() {
        #expect(throws: UpstreamResponseError.self) { try parse(["HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"], closeAtEnd: true) }
        #expect(throws: UpstreamResponseError.self) { try parse(["SSH-2.0-OpenSSH\r\n\r\n"]) }
        #expect(throws: UpstreamResponseError.self) { try parse(["HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n"]) }
        #expect(throws: UpstreamResponseError.self) { try parse(["HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"]) }
    }

    private func rewrite(_ raw: String, chunking: Bool = true, keepAlive: Bool = true, isHead: Bool = false) throws -> (String, ResponseHeadRewriter.Rewritten) {
        var head = try ResponseHeadReader.read(ByteBuffer(string: raw))
        if isHead { head.framing = .none }
        var storage = ByteBuffer()
        let rewritten = ResponseHeadRewriter.rewrite(head, clientSupportsChunking: chunking, clientKeepAlive: keepAlive, into: &storage)
        return (String(buffer: rewritten.bytes), rewritten)
    }

    @Test("hop-by-hop headers, and those Connection names, are removed; others kept in order")
    func hopByHop() throws {
        let (text, rewritten) = try rewrite(
            "HTTP/1.1 200 OK\r\nDate: x\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n"
        )
        #expect(text == "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 2\r\n\r\n")
        #expect(rewritten.bodyFraming == .verbatim)
        #expect(!rewritten.closeAfter)
    }

    @Test("header lines ended by a bare LF are read whole, and their hop-by-hop lines are still dropped")
    func bareLineFeeds() throws {
        let raw = "HTTP/1.1 200 OK\r\nContent-Length: 12\nConnection: close, X-Hop\nX-Hop: 1\nDate: x\r\n\r\n"
        let head = try ResponseHeadReader.read(ByteBuffer(string: raw))
        #expect(head.framing == .contentLength(12))
        #expect(head.closeRequested)
        #expect(head.connectionNamesHeaders)
        let (text, rewritten) = try rewrite(raw)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 12\nDate: x\r\n\r\n")
        #expect(rewritten.isInStorage)
        #expect(!head.keepAlive)
    }

    @Test("a clean head passes unchanged; a client that wants to close is told so")
    func cleanAndClosing() throws {
        let raw = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"
        #expect(try rewrite(raw).0 == raw)
        let (text, rewritten) = try rewrite(raw, keepAlive: false)
        #expect(text == "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n")
        #expect(rewritten.closeAfter)
    }

    @Test("a close-delimited body is chunked for HTTP/1.1 clients and stays close-delimited for HTTP/1.0")
    func closeDelimited() throws {
        let raw = "HTTP/1.0 200 OK\r\nx-a: b\r\n\r\n"
        let (modern, modernRewrite) = try rewrite(raw)
        #expect(modern == "HTTP/1.1 200 OK\r\nx-a: b\r\ntransfer-encoding: chunked\r\n\r\n")
        #expect(modernRewrite.bodyFraming == .chunkify)
        #expect(!modernRewrite.closeAfter)
        let (legacy, legacyRewrite) = try rewrite(raw, chunking: false)
        #expect(legacy == "HTTP/1.1 200 OK\r\nx-a: b\r\nconnection: close\r\n\r\n")
        #expect(legacyRewrite.closeAfter)
    }

    @Test("a chunked response to an HTTP/1.0 client loses its Transfer-Encoding and closes")
    func chunkedToLegacyClient() throws {
        let (text, rewritten) = try rewrite("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", chunking: false)
        #expect(text == "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
        #expect(rewritten.closeAfter)
    }
}
