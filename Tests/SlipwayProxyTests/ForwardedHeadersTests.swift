import NIOHTTP1
@testable import SlipwayProxy
import Testing

@Suite("ForwardedHeaders")
struct ForwardedHeadersTests {
    @Test("hop-by-hop headers stay on the client's hop and X-Forwarded headers are added")
    func requestHead() {
        let head = HTTPRequestHead(version: .http1_0, method: .GET, uri: "/a?b", headers: HTTPHeaders([
            ("host", "shop.test:8080"), ("connection", "keep-alive, x-secret"), ("x-secret", "1"),
            ("keep-alive", "timeout=5"), ("x-forwarded-for", "1.2.3.4"), ("accept", "*/*"),
        ]))
        let upstream = ForwardedHeaders.upstreamRequestHead(from: head, clientAddress: "127.0.0.1", upgrade: false)
        #expect(upstream.version == HTTPVersion.http1_1)
        #expect(upstream.uri == "/a?b")
        #expect(!upstream.headers.contains(name: "connection"))
        #expect(!upstream.headers.contains(name: "x-secret"))
        #expect(!upstream.headers.contains(name: "keep-alive"))
        #expect(upstream.headers["x-forwarded-for"] == ["1.2.3.4, 127.0.0.1"])
        #expect(upstream.headers["x-forwarded-proto"] == ["http"])
        #expect(upstream.headers["x-forwarded-host"] == ["shop.test:8080"])
        #expect(upstream.headers["accept"] == ["*/*"])
    }

    @Test("an upgrade request keeps its Upgrade and Connection: upgrade")
    func upgradeHead() {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/ws", headers: HTTPHeaders([
            ("host", "a"), ("connection", "Upgrade"), ("upgrade", "websocket"),
        ]))
        #expect(ForwardedHeaders.isUpgrade(head))
        let upstream = ForwardedHeaders.upstreamRequestHead(from: head, clientAddress: nil, upgrade: true)
        #expect(upstream.headers["connection"] == ["upgrade"])
        #expect(upstream.headers["upgrade"] == ["websocket"])
        #expect(!upstream.headers.contains(name: "x-forwarded-for"))
    }
}
