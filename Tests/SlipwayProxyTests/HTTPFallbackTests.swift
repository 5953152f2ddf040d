#if canImport(Glibc)
import Glibc
#endif
@testable import SlipwayProxy
import Testing

private let client = HTTPConnectionBench.client
private let (fresh, second) = (ScriptedExchange.fresh, ScriptedExchange.second)
private let (get, forwardedGet, ok) = (ScriptedExchange.get, ScriptedExchange.forwardedGet, ScriptedExchange.ok)

/// A bench whose listener has a fallback (`traffic[1]`) behind the routed instance (`traffic[0]`).
private func benchWithFallback() -> HTTPConnectionBench {
    var bench = HTTPConnectionBench()
    bench.host.fallback = Upstream(instance: "fallback", port: 9090)
    return bench
}

/// The connection to an instance `link` connects, gets the forwarded GET, and its answer reaches the client.
private func expectServed(on link: Int32, _ bench: inout HTTPConnectionBench, sourceLocation: SourceLocation = #_sourceLocation) {
    bench.upstream(link, .writable)
    #expect(bench.host.take(link) == forwardedGet, sourceLocation: sourceLocation)
    bench.host.arrive(link, .bytes(ok))
    bench.upstream(link, .readable)
    #expect(bench.host.take(client) == ok, sourceLocation: sourceLocation)
}

@Suite("HTTP mode: the fallback takes what the routed instance fails before it could answer")
struct HTTPFallbackTests {
    @Test("a connect refused after it started goes to the fallback, counted against the refusing instance")
    func refusedLater() {
        var bench = benchWithFallback()
        bench.host.io.connectResults[fresh] = ECONNREFUSED
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        bench.upstream(fresh, [.failed, .writable])
        #expect(bench.host.opened == [fresh, second])
        expectServed(on: second, &bench)
        #expect(bench.host.closed == [fresh, second], "a connection to the fallback is never pooled")
        #expect(bench.host.fellBack == 1)
        #expect(bench.host.traffic[0].errors[.connectFailed] == 1)
        #expect(bench.host.traffic[0].active == 0)
        #expect(bench.host.traffic[1].requests == 1)
        #expect(bench.host.traffic[1].active == 0)
        #expect(bench.host.logged.map(\.instance) == ["fallback"])
        #expect(!bench.connection.isClosed)
    }

    @Test("a connect refused at once goes to the fallback, and so does the next request while it lasts")
    func refusedAtOnce() {
        var bench = benchWithFallback()
        bench.host.refusing = ["blue"]
        for round in 0..<2 {
            let link = fresh + Int32(round)
            bench.host.arrive(client, .bytes(get))
            bench.client([.readable, .writable])
            expectServed(on: link, &bench)
        }
        #expect(bench.host.fellBack == 2)
        #expect(bench.host.traffic[0].errors[.connectFailed] == 2)
    }

    @Test("an idempotent request whose connection ends before any response byte goes to the fallback")
    func resetBeforeResponse() {
        var bench = benchWithFallback()
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == forwardedGet)
        bench.host.arrive(fresh, .fail(ECONNRESET))
        bench.upstream(fresh, [.readable, .failed])
        #expect(bench.host.opened == [fresh, second])
        expectServed(on: second, &bench)
        #expect(bench.host.traffic[0].errors[.upstreamClosed] == 1)
    }

    @Test("a POST the instance may have received, a response already begun, or a body already read never go twice")
    func neverTwice() {
        var bench = benchWithFallback()
        bench.host.arrive(client, .bytes("POST /p HTTP/1.1\r\nHost: a\r\ncontent-length: 0\r\n\r\n"))
        bench.client([.readable, .writable])
        bench.upstream(fresh, .writable)
        bench.host.arrive(fresh, .fail(ECONNRESET))
        bench.upstream(fresh, [.readable, .failed])
        #expect(bench.host.take(client).contains("\"api\" closed the connection before answering"))

        var begun = benchWithFallback()
        begun.host.arrive(client, .bytes(get))
        begun.client([.readable, .writable])
        begun.upstream(fresh, .writable)
        begun.host.arrive(fresh, .bytes("HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nhal"), .fail(ECONNRESET))
        begun.upstream(fresh, [.readable, .failed])
        #expect(begun.host.opened == [fresh])

        var withBody = benchWithFallback()
        withBody.host.refusing = ["blue"]
        withBody.host.arrive(client, .bytes("PUT /p HTTP/1.1\r\nHost: a\r\ncontent-length: 2\r\n\r\nxy"))
        withBody.client([.readable, .writable])
        #expect(withBody.host.take(client).hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))

        #expect(bench.host.fellBack + begun.host.fellBack + withBody.host.fellBack == 0)
        #expect(bench.host.opened == [fresh])
        #expect(withBody.host.opened.isEmpty)
    }

    @Test("a fallback that refuses too gets the request once: the client gets the 502")
    func fallbackRefusesToo() {
        var bench = benchWithFallback()
        bench.host.refuseConnects = true
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        #expect(bench.host.take(client).hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(bench.host.fellBack == 1)
        #expect(bench.host.traffic[0].errors[.connectFailed] == 1)
        #expect(bench.host.traffic[1].errors[.connectFailed] == 1)
        #expect(bench.host.traffic[1].active == 0)
    }

    @Test("a request on an instance traffic was switched away from, dropped unanswered, goes to the instance routed now")
    func switchedAwayFrom() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        bench.upstream(fresh, .writable)
        bench.host.routed = Upstream(instance: "green", port: 8081)
        bench.host.arrive(fresh, .fail(ECONNRESET))
        bench.upstream(fresh, [.readable, .failed])
        #expect(bench.host.opened == [fresh, second])
        expectServed(on: second, &bench)
        #expect(bench.host.fellBack == 1)
    }

    @Test("without a fallback a refused connect is answered 502 as before")
    func noFallback() {
        var bench = HTTPConnectionBench()
        bench.host.refusing = ["blue"]
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        #expect(bench.host.take(client).hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(bench.host.fellBack == 0)
    }
}
