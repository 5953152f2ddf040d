#if canImport(Glibc)
import Glibc
#endif
@testable import SlipwayProxy
import Testing

/// A relay between client fd 1 and upstream fd 2 with `capacity`-byte buffers, freed at the end.
private func withRelay(capacity: Int = 64, _ body: (inout TCPRelay) throws -> Void) rethrows {
    let toUpstream = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
    let toClient = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
    defer {
        toUpstream.deallocate()
        toClient.deallocate()
    }
    var relay = TCPRelay(clientFD: 1, upstreamFD: 2, toUpstream: toUpstream, toClient: toClient)
    try body(&relay)
}

private let client: Int32 = 1
private let upstream: Int32 = 2

@Suite("TCP-mode connection state machine, driven without sockets")
struct TCPRelayTests {
    @Test("nothing is read from the client before the upstream connects; what it sent then goes through")
    func readsAfterConnect() {
        withRelay { relay in
            var io = ScriptedIO(reads: [client: [.bytes("hello")]])
            #expect(relay.handle(.readable, on: .client, io: &io) == TCPRelay.Progress())
            #expect(io.readCalls[client] == nil)
            let progress = relay.handle(.writable, on: .upstream, io: &io)
            #expect(progress.connected)
            #expect(progress.fromClient == 5)
            #expect(io.written[upstream] == "hello")
            #expect(relay.phase == .relaying)
        }
    }

    @Test("a refused connect ends the relay as connectFailed without touching the client")
    func connectRefused() {
        withRelay { relay in
            var io = ScriptedIO(reads: [client: [.bytes("hello")]], connectResult: ECONNREFUSED)
            _ = relay.handle(.readable, on: .client, io: &io)
            _ = relay.handle([.failed, .readable, .writable], on: .upstream, io: &io)
            #expect(relay.phase == .finished(.connectFailed(errno: ECONNREFUSED)))
            #expect(io.readCalls[client] == nil)
            #expect(io.written.isEmpty)
        }
    }

    @Test("partial writes and EAGAIN keep the rest buffered until the next writable edge")
    func partialWritesAndWouldBlock() {
        withRelay { relay in
            var io = ScriptedIO(
                reads: [client: [.bytes("abcdef"), .wouldBlock]],
                writes: [upstream: [.take(2), .wouldBlock]]
            )
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle(.readable, on: .client, io: &io)
            #expect(io.written[upstream] == "ab")
            #expect(relay.toUpstream.count == 4)
            #expect(!relay.upstream.writable)
            _ = relay.handle(.writable, on: .upstream, io: &io)
            #expect(io.written[upstream] == "ab")
            _ = relay.handle(.writable, on: .upstream, io: &io)
            #expect(io.written[upstream] == "abcdef")
            #expect(relay.toUpstream.isEmpty)
        }
    }

    @Test("a full buffer stops reads from its side until the other side takes bytes")
    func backpressure() {
        withRelay(capacity: 8) { relay in
            var io = ScriptedIO(
                reads: [client: [.bytes("0123456789abcdef")]],
                writes: [upstream: [.wouldBlock]]
            )
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle(.readable, on: .client, io: &io)
            #expect(relay.toUpstream.isFull)
            let readsWhileFull = io.readCalls[client]
            _ = relay.handle(.readable, on: .client, io: &io)
            #expect(io.readCalls[client] == readsWhileFull)
            _ = relay.handle(.writable, on: .upstream, io: &io)
            #expect(io.written[upstream] == "0123456789abcdef")
        }
    }

    @Test("a short read clears readability; after a hang-up the side is read to its end")
    func shortReadsAndHangUp() {
        withRelay { relay in
            var io = ScriptedIO(reads: [client: [.bytes("ab"), .bytes("cd"), .end]])
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle(.readable, on: .client, io: &io)
            #expect(io.written[upstream] == "ab")
            #expect(io.readCalls[client] == 1)
            _ = relay.handle([.readable, .peerHungUp], on: .client, io: &io)
            #expect(io.written[upstream] == "abcd")
            #expect(relay.client.inputEnded)
            #expect(io.shutDown == [upstream])
        }
    }

    @Test("half-closes pass through each way and the relay completes when both ends are done")
    func halfCloseBothWays() {
        withRelay { relay in
            var io = ScriptedIO(reads: [client: [.bytes("hello"), .end], upstream: [.bytes("hello|bye"), .end]])
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle([.readable, .peerHungUp], on: .client, io: &io)
            #expect(io.shutDown == [upstream])
            #expect(!relay.isFinished)
            _ = relay.handle(.writable, on: .client, io: &io)
            let progress = relay.handle([.readable, .peerHungUp], on: .upstream, io: &io)
            #expect(progress.fromUpstream == 9)
            #expect(io.written[client] == "hello|bye")
            #expect(io.shutDown == [upstream, client])
            #expect(relay.phase == .finished(.completed))
        }
    }

    @Test("the upstream's end of input waits for its bytes to reach the client before shutting the client's output")
    func endAfterPendingBytes() {
        withRelay { relay in
            var io = ScriptedIO(reads: [upstream: [.bytes("tail"), .end]], writes: [client: [.wouldBlock]])
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle(.writable, on: .client, io: &io)
            _ = relay.handle([.readable, .peerHungUp], on: .upstream, io: &io)
            #expect(io.shutDown.isEmpty)
            _ = relay.handle(.writable, on: .client, io: &io)
            #expect(io.written[client] == "tail")
            #expect(io.shutDown == [client])
        }
    }

    @Test("a reset on either side ends the relay, naming the side")
    func peerReset() {
        withRelay { relay in
            var io = ScriptedIO(reads: [client: [.fail(ECONNRESET)]])
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle([.readable, .failed], on: .client, io: &io)
            #expect(relay.phase == .finished(.failed(.client, errno: ECONNRESET)))
        }
        withRelay { relay in
            var io = ScriptedIO(reads: [client: [.bytes("x")]], writes: [upstream: [.fail(EPIPE)]])
            _ = relay.handle(.writable, on: .upstream, io: &io)
            _ = relay.handle(.readable, on: .client, io: &io)
            #expect(relay.phase == .finished(.failed(.upstream, errno: EPIPE)))
        }
    }

    @Test("a direction whose buffer filled asks for a pipe; once its buffer is empty its bytes go through the pipe, and its end waits for the pipe to empty")
    func bulkThroughPipe() {
        withRelay(capacity: 8) { relay in
            var io = ScriptedIO(
                reads: [client: [.bytes("01234567"), .bytes("abcdefghij"), .end]],
                writes: [upstream: [.wouldBlock]]
            )
            _ = relay.handle(.writable, on: .upstream, io: &io)
            let first = relay.handle(.readable, on: .client, io: &io)
            #expect(first.wantsPipeToUpstream)
            #expect(!first.wantsPipeToClient)
            relay.attach(RelayPipe(readFD: ScriptedIO.pipeRead, writeFD: ScriptedIO.pipeWrite), toward: .upstream)
            io.writes[upstream] = [.take(8), .take(4)]
            _ = relay.handle(.writable, on: .upstream, io: &io)
            #expect(io.written[upstream] == "01234567abcd")
            #expect(relay.client.inputEnded)
            #expect(relay.toUpstreamPipe?.held == 6)
            #expect(io.shutDown.isEmpty)
            _ = relay.handle(.writable, on: .upstream, io: &io)
            #expect(io.written[upstream] == "01234567abcdefghij")
            #expect(relay.toUpstreamPipe?.held == 0)
            #expect(io.shutDown == [upstream])
        }
    }

    @Test("EAGAIN at every step moves nothing and loses nothing")
    func wouldBlockEverywhere() {
        withRelay(capacity: 4) { relay in
            var io = ScriptedIO(
                reads: [client: [.wouldBlock, .bytes("abcdefgh"), .wouldBlock, .wouldBlock]],
                writes: [upstream: [.wouldBlock, .take(1), .wouldBlock, .take(3), .wouldBlock]]
            )
            _ = relay.handle(.writable, on: .upstream, io: &io)
            for _ in 0..<12 {
                _ = relay.handle(.readable, on: .client, io: &io)
                _ = relay.handle(.writable, on: .upstream, io: &io)
            }
            #expect(io.written[upstream] == "abcdefgh")
            #expect(!relay.isFinished)
        }
    }
}

@Suite("Loop timer heap and event tokens")
struct LoopPartsTests {
    @Test("the heap gives deadlines back earliest first, only once due")
    func heapOrder() {
        var heap = LoopTimerHeap()
        for (slot, deadline) in [50, 10, 40, 20, 30].enumerated() {
            heap.push(.init(deadline: UInt64(deadline), slot: slot, generation: 0))
        }
        #expect(heap.earliest == 10)
        #expect(heap.popDue(now: 5) == nil)
        var fired: [UInt64] = []
        while let entry = heap.popDue(now: 45) { fired.append(entry.deadline) }
        #expect(fired == [10, 20, 30, 40])
        #expect(heap.count == 1)
    }

    @Test("a token keeps kind, slot and generation apart")
    func tokenRoundTrip() {
        let token = LoopToken(kind: .upstream, index: 123_456, generation: 0xFFFF_FFFF)
        let decoded = LoopToken(raw: token.raw)
        #expect(decoded.kind == .upstream)
        #expect(decoded.index == 123_456)
        #expect(decoded.generation == 0xFFFF_FFFF)
    }
}
