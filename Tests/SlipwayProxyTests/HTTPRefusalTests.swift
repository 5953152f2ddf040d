import NIOCore
import SlipwayProxy
import Testing

@Suite("HTTP mode answers every request it refuses", .timeLimit(.minutes(3)))
struct HTTPRefusalTests {
    @Test("a refused request gets its status line and a short body, reaches no instance, and is counted by kind", arguments: [
        ("GET /name HTTP/1.1\r\nAccept: */*\r\n\r\n", "400 Bad Request", RequestRefusalKind.invalidHost),
        ("GET /name HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400 Bad Request", .invalidHost),
        ("GET /name HTTP/1.1\nHost: a\n\n", "400 Bad Request", .bareLineFeed),
        ("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "400 Bad Request", .malformedChunkedBody),
        ("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n", "400 Bad Request", .malformedChunkedBody),
        ("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", "501 Not Implemented", .unsupportedTransferCoding),
        ("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "501 Not Implemented", .unsupportedTransferCoding),
        ("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "501 Not Implemented", .unsupportedTransferCoding),
    ])
    func refused(request: String, status: String, kind: RequestRefusalKind) async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: backend.upstream("blue"))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send(request)
            #expect(try await eventually { client.sawEndOfInput })
            #expect(client.text.hasPrefix("HTTP/1.1 \(status)\r\n"))
            #expect(client.text.contains("\r\nconnection: close\r\n"))
            let body = client.text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
            #expect(body.hasPrefix("\(status): "))
            #expect(body.hasSuffix("\n"))
            #expect(backend.counters.connections == 0)
            #expect(await fixture.proxy.stats().listeners.first?.refusedRequests == [kind: 1])
            await client.close()
            try await backend.stop()
        }
    }

    @Test("a chunked body found malformed after its head went to the instance: 400 while no response byte was sent")
    func malformedChunkAfterForwardedHead() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: backend.upstream("blue"))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n")
            #expect(try await eventually { backend.counters.requests == 1 })
            try await client.send("zz\r\n")
            #expect(try await eventually { client.sawEndOfInput })
            #expect(client.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
            let stats = await fixture.proxy.stats()
            #expect(stats.listeners.first?.refusedRequests == [.malformedChunkedBody: 1])
            #expect(try await eventually { await fixture.proxy.stats().instance("blue")?.active == 0 })
            await client.close()
            try await backend.stop()
        }
    }

    @Test("an absolute-form target reaches the instance in origin form, with Host taken from the target")
    func absoluteForm() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, upstream: backend.upstream("blue"))
            let client = try await TCPTestClient.connect(port: listener.boundPort, group: fixture.group)
            try await client.send("GET http://shop.test:8080/host HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n")
            #expect(try await eventually { client.sawEndOfInput })
            #expect(client.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(client.text.hasSuffix("\r\n\r\nshop.test:8080"))
            #expect(backend.counters.requests == 1)
            await client.close()
            try await backend.stop()
        }
    }
}
