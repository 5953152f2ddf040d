#if canImport(Glibc)
import Glibc
#endif
@testable import SlipwayProxy
import Testing

private let client = HTTPConnectionBench.client
private let (fresh, second) = (ScriptedExchange.fresh, ScriptedExchange.second)
private let (get, forwardedGet, ok) = (ScriptedExchange.get, ScriptedExchange.forwardedGet, ScriptedExchange.ok)
private let second_: UInt64 = 1_000_000_000

@Suite("HTTP-mode connection state machine, driven without sockets")
struct HTTPConnectionTests {
    @Test("a request goes to a fresh connection once it connects, its response comes back, and the connection is pooled")
    func forwardsOneRequest() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        #expect(bench.host.opened == [fresh])
        #expect(bench.host.take(fresh) == "")
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == forwardedGet)
        bench.host.arrive(fresh, .bytes(ok))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == ok)
        #expect(bench.host.parked == [fresh])
        let stats = bench.host.traffic[0]
        #expect(stats.requests == 1)
        #expect(stats.active == 0)
        #expect(stats.bytesOut == 2)
        #expect(stats.latency.count == 1)
        #expect(bench.host.logged.map(\.status) == [200])
        #expect(!bench.connection.isClosed)
    }

    @Test("partial reads and writes and EAGAIN at each step lose nothing; an incomplete response asks for a quick ACK")
    func partialTransfersAndWouldBlock() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes("GET /a HT"))
        bench.client([.readable, .writable])
        #expect(bench.host.opened.isEmpty)
        bench.host.arrive(client, .bytes("TP/1.1\r\nHost: shop\r\n\r\n"))
        bench.client(.readable)
        #expect(bench.host.opened == [fresh])
        bench.host.io.writes[fresh] = [.wouldBlock, .take(5)]
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == "")
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == "GET /")
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == String(forwardedGet.dropFirst(5)))
        bench.host.arrive(fresh, .bytes("HTTP/1.1 200 OK\r\ncontent-le"))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == "")
        #expect(bench.host.quickAcks == [fresh])
        bench.host.io.writes[client] = [.wouldBlock, .take(4)]
        bench.host.arrive(fresh, .bytes("ngth: 3\r\n\r\nabc"))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == "")
        bench.client(.writable)
        #expect(bench.host.take(client) == "HTTP")
        bench.client(.writable)
        #expect(bench.host.take(client) == "/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc")
        #expect(bench.host.parked == [fresh])
    }

    @Test("pipelined requests wait for the response before them, then reuse the pooled connection")
    func pipelining() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes(get + "GET /b HTTP/1.1\r\nHost: shop\r\n\r\n"))
        bench.client([.readable, .writable])
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == forwardedGet)
        bench.host.arrive(fresh, .bytes(ok))
        bench.upstream(fresh, [.readable, .writable])
        #expect(bench.host.take(client) == ok)
        #expect(bench.host.opened == [fresh])
        #expect(bench.host.take(fresh).hasPrefix("GET /b HTTP/1.1\r\n"))
        bench.host.arrive(fresh, .bytes(ok))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == ok)
        #expect(bench.host.traffic[0].requests == 2)
        #expect(bench.host.parked == [fresh, fresh])
    }

    @Test("no instance: 502 naming the service, the request's body dropped, the connection kept")
    func noInstance() {
        var bench = HTTPConnectionBench()
        bench.host.routed = nil
        bench.host.arrive(client, .bytes("POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 3\r\n\r\nabc" + get))
        bench.client([.readable, .writable])
        let answers = bench.host.take(client)
        #expect(answers.components(separatedBy: "HTTP/1.1 502 Bad Gateway\r\n").count == 3)
        #expect(answers.contains("\"api\""))
        #expect(!answers.contains("connection: close"))
        #expect(bench.host.noUpstream == 2)
        #expect(bench.host.opened.isEmpty)
        #expect(!bench.connection.isClosed)
    }

    @Test("a connect refused at once or reported later: 502 saying so, counted as connectFailed")
    func connectRefused() {
        var bench = HTTPConnectionBench()
        bench.host.refuseConnects = true
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        #expect(bench.host.take(client).contains("\"api\" refused the connection"))
        bench.host.refuseConnects = false
        bench.host.io.connectResult = ECONNREFUSED
        bench.host.arrive(client, .bytes(get))
        bench.client(.readable)
        bench.upstream(fresh, [.failed, .readable, .writable])
        #expect(bench.host.take(client).hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(bench.host.closed == [fresh])
        #expect(bench.host.traffic[0].errors[.connectFailed] == 2)
        #expect(bench.host.traffic[0].active == 0)
    }

    @Test("a pooled connection the instance closed is replaced once, for a request without body; not for one with a body")
    func staleRetry() {
        var bench = HTTPConnectionBench()
        var pooled = RelayEndpoint(fd: 50)
        pooled.writable = true
        bench.host.pool = [UpstreamLink(index: 50, endpoint: pooled, connecting: false)]
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        #expect(bench.host.take(50) == forwardedGet)
        bench.host.arrive(50, .end)
        bench.upstream(50, [.readable, .peerHungUp])
        #expect(bench.host.closed == [50])
        #expect(bench.host.opened == [fresh])
        bench.upstream(fresh, .writable)
        #expect(bench.host.take(fresh) == forwardedGet)
        bench.host.arrive(fresh, .bytes(ok))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == ok)

        bench.host.arrive(client, .bytes("POST /p HTTP/1.1\r\nHost: a\r\ncontent-length: 2\r\n\r\nxy"))
        bench.client(.readable)
        #expect(bench.host.take(fresh).hasSuffix("\r\n\r\nxy"))
        bench.host.arrive(fresh, .fail(ECONNRESET))
        bench.upstream(fresh, [.readable, .failed])
        #expect(bench.host.opened == [fresh])
        #expect(bench.host.take(client).contains("\"api\" closed the connection before answering"))
        #expect(bench.host.traffic[0].errors[.upstreamClosed] == 1)
        #expect(bench.host.traffic[0].requests == 2)
    }

    @Test("a client reset while its request waits: the instance's connection is closed, counted as clientClosed")
    func clientReset() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        bench.host.arrive(client, .fail(ECONNRESET))
        bench.client([.readable, .failed])
        #expect(bench.connection.isClosed)
        #expect(bench.host.closed == [fresh])
        #expect(bench.host.traffic[0].errors[.clientClosed] == 1)
        #expect(bench.host.traffic[0].active == 0)
    }

    @Test("a client that half-closes after its request gets its answer, then the connection closes")
    func clientHalfClose() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes(get), .end)
        bench.client([.readable, .writable, .peerHungUp])
        bench.upstream(fresh, .writable)
        #expect(!bench.connection.isClosed)
        bench.host.arrive(fresh, .bytes(ok))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == ok)
        #expect(bench.connection.isClosed)
    }

    @Test("deadlines: an incomplete head closes the connection; a slow connect or a slow response gets a 504")
    func deadlines() {
        var slowHead = HTTPConnectionBench(limits: ProxyLimits(headerReadTimeout: .seconds(5)))
        slowHead.host.arrive(client, .bytes("GET / HT"))
        slowHead.client([.readable, .writable])
        slowHead.advance(by: 4 * second_)
        #expect(!slowHead.connection.isClosed)
        slowHead.advance(by: 2 * second_)
        #expect(slowHead.connection.isClosed)

        var slowConnect = HTTPConnectionBench(limits: ProxyLimits(connectTimeout: .seconds(1)))
        slowConnect.host.arrive(client, .bytes(get))
        slowConnect.client([.readable, .writable])
        slowConnect.advance(by: 2 * second_)
        #expect(slowConnect.host.take(client).hasPrefix("HTTP/1.1 504 Gateway Timeout\r\n"))
        #expect(slowConnect.host.traffic[0].errors[.connectTimeout] == 1)
        #expect(slowConnect.host.closed == [fresh])

        var slowResponse = HTTPConnectionBench(limits: ProxyLimits(idleTimeout: .seconds(2), upstreamResponseTimeout: .seconds(6)))
        slowResponse.host.arrive(client, .bytes(get))
        slowResponse.client([.readable, .writable])
        slowResponse.upstream(fresh, .writable)
        for _ in 0..<5 { slowResponse.advance(by: second_) }
        #expect(!slowResponse.connection.isClosed)
        #expect(slowResponse.host.take(client) == "")
        slowResponse.advance(by: 2 * second_)
        #expect(slowResponse.host.take(client).hasPrefix("HTTP/1.1 504 Gateway Timeout\r\n"))
        #expect(slowResponse.host.traffic[0].errors[.upstreamTimeout] == 1)
        #expect(!slowResponse.connection.isClosed)
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idle() {
        var bench = HTTPConnectionBench(limits: ProxyLimits(idleTimeout: .seconds(3)))
        bench.client(.writable)
        bench.advance(by: 2 * second_)
        #expect(!bench.connection.isClosed)
        bench.advance(by: 2 * second_)
        #expect(bench.connection.isClosed)
    }

    @Test("an upgrade becomes a tunnel after the 101: held bytes go first, bytes flow both ways, an end closes it")
    func upgradeTunnel() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nearly|"))
        bench.client([.readable, .writable])
        bench.upstream(fresh, .writable)
        #expect(!bench.host.take(fresh).contains("early"))
        let switching = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n"
        bench.host.arrive(fresh, .bytes(switching + "hello"))
        bench.upstream(fresh, .readable)
        #expect(bench.host.take(client) == switching + "hello")
        #expect(bench.host.take(fresh) == "early|")
        #expect(bench.host.traffic[0].active == 1)
        bench.host.arrive(client, .bytes("frame"))
        bench.client(.readable)
        #expect(bench.host.take(fresh) == "frame")
        bench.host.arrive(client, .end)
        bench.client([.readable, .peerHungUp])
        #expect(bench.connection.isClosed)
        #expect(bench.host.closed == [fresh])
        #expect(bench.host.traffic[0].active == 0)
        #expect(bench.host.traffic[0].bytesIn == 11)
        #expect(bench.host.traffic[0].bytesOut == 5)
    }

    @Test("a client that does not read stops the reads from the instance once its bytes pile up")
    func backpressure() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        bench.upstream(fresh, .writable)
        bench.host.io.writes[client] = [.wouldBlock]
        let chunk = String(repeating: "x", count: 16 * 1024)
        bench.host.arrive(fresh, .bytes("HTTP/1.1 200 OK\r\ncontent-length: \(20 * chunk.count)\r\n\r\n" + String(repeating: chunk, count: 20)))
        bench.upstream(fresh, .readable)
        let readsWhileFull = bench.host.io.readCalls[fresh] ?? 0
        #expect(readsWhileFull > 1 && readsWhileFull < 10)
        bench.upstream(fresh, .readable)
        #expect(bench.host.io.readCalls[fresh] == readsWhileFull)
        for _ in 0..<40 { bench.client(.writable) }
        #expect(bench.host.take(client).utf8.count > 20 * chunk.count)
        #expect(bench.host.parked == [fresh])
    }

    @Test("a drain that timed out closes the instance's connection: 502, counted as drainClosed, never retried")
    func drainClose() {
        var bench = HTTPConnectionBench()
        var pooled = RelayEndpoint(fd: 50)
        pooled.writable = true
        bench.host.pool = [UpstreamLink(index: 50, endpoint: pooled, connecting: false)]
        bench.host.arrive(client, .bytes(get))
        bench.client([.readable, .writable])
        #expect(bench.connection.instance == "blue")
        bench.connection.closeForDrain(scratch: &bench.scratch, host: &bench.host)
        #expect(bench.host.take(client).hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(bench.host.closed == [50])
        #expect(bench.host.opened.isEmpty)
        #expect(bench.host.traffic[0].errors[.drainClosed] == 1)
        #expect(bench.host.traffic[0].active == 0)
        #expect(bench.connection.instance == nil)
        #expect(!bench.connection.isClosed)
    }

    @Test("a refused request is answered and the connection closes once the answer is written")
    func refusal() {
        var bench = HTTPConnectionBench()
        bench.host.arrive(client, .bytes("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"))
        bench.client([.readable, .writable])
        #expect(bench.host.take(client).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(bench.host.refusals == [.invalidHost])
        #expect(bench.host.opened.isEmpty)
        #expect(bench.connection.isClosed)
    }
}
