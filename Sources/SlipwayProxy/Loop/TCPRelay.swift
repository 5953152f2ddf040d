/// The state machine of one TCP-mode connection: a client socket, an upstream socket being
/// connected and then relayed to, and one buffer per direction.
///
/// It makes system calls only through `RelayIO` and reads no clock, so its transitions are driven
/// in tests by readiness events and scripted results. Backpressure is a full buffer: a side is not
/// read while the bytes it sent last wait for the other side to take them, so the kernel's socket
/// buffers push back on the sender and nothing grows. End of input on one side, once its bytes
/// are written, shuts the other side's output: half-closes pass through.
struct TCPRelay {
    enum Phase: Equatable {
        case connecting
        case relaying
        case finished(Ending)

        var isConnectFailure: Bool {
            if case .finished(.connectFailed) = self { return true }
            return false
        }
    }

    enum Side {
        case client
        case upstream
    }

    enum Ending: Equatable {
        /// Both directions reached end of input and every byte was delivered.
        case completed
        case connectFailed(errno: Int32)
        /// A read or write failed (reset, broken pipe) on one side.
        case failed(Side, errno: Int32)
    }

    /// What one step moved, for the instance's byte counters and the idle timeout.
    struct Progress: Equatable {
        var fromClient = 0
        var fromUpstream = 0
        var connected = false
        /// A read filled a direction's whole buffer: a bulk transfer, which a pipe would carry
        /// with `splice(2)` instead of copying it through the buffer (`attach(_:toward:)`).
        var wantsPipeToUpstream = false
        var wantsPipeToClient = false

        var movedBytes: Bool { fromClient > 0 || fromUpstream > 0 }
    }

    private(set) var phase = Phase.connecting
    private(set) var client: RelayEndpoint
    private(set) var upstream: RelayEndpoint
    private(set) var toUpstream: RelayBuffer
    private(set) var toClient: RelayBuffer
    private(set) var toUpstreamPipe: RelayPipe?
    private(set) var toClientPipe: RelayPipe?

    init(clientFD: Int32, upstreamFD: Int32, toUpstream: UnsafeMutableRawBufferPointer, toClient: UnsafeMutableRawBufferPointer) {
        client = RelayEndpoint(fd: clientFD)
        upstream = RelayEndpoint(fd: upstreamFD)
        self.toUpstream = RelayBuffer(storage: toUpstream)
        self.toClient = RelayBuffer(storage: toClient)
    }

    var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    /// After a failed connect, starts over toward another instance on `upstreamFD` (its connect
    /// started). Nothing was read from the client while connecting, so nothing is lost.
    mutating func reconnect(upstreamFD: Int32) {
        precondition(phase.isConnectFailure, "only a relay whose connect failed starts over")
        upstream = RelayEndpoint(fd: upstreamFD)
        phase = .connecting
    }

    /// Gives the direction toward `side` a pipe; its bytes go through it once its buffer is empty.
    mutating func attach(_ pipe: RelayPipe, toward side: Side) {
        switch side {
        case .upstream: toUpstreamPipe = pipe
        case .client: toClientPipe = pipe
        }
    }

    /// Hands the pipes back to the loop, when the relay has finished.
    mutating func detachPipes() -> [RelayPipe] {
        defer {
            toUpstreamPipe = nil
            toClientPipe = nil
        }
        return [toUpstreamPipe, toClientPipe].compactMap { $0 }
    }

    /// Handles epoll's report for one side and moves every byte that can move now.
    mutating func handle<IO: RelayIO>(_ readiness: Readiness, on side: Side, io: inout IO) -> Progress {
        var progress = Progress()
        switch side {
        case .client: client.note(readiness)
        case .upstream: upstream.note(readiness)
        }
        guard !isFinished else { return progress }
        if phase == .connecting {
            guard side == .upstream, readiness.contains(.writable) || readiness.contains(.failed) else { return progress }
            let error = io.connectError(upstream.fd)
            guard error == 0 else {
                phase = .finished(.connectFailed(errno: error))
                return progress
            }
            phase = .relaying
            progress.connected = true
        }
        pump(&progress, io: &io)
        return progress
    }

    private mutating func pump<IO: RelayIO>(_ progress: inout Progress, io: inout IO) {
        var moved = true
        while moved && !isFinished {
            moved = false
            let fromClient = Self.transfer(from: &client, to: &upstream, through: &toUpstream, pipe: &toUpstreamPipe, io: &io)
            progress.fromClient += fromClient.read
            progress.wantsPipeToUpstream = progress.wantsPipeToUpstream || fromClient.filledBuffer
            if let failure = fromClient.failure {
                phase = .finished(.failed(failure.onSource ? .client : .upstream, errno: failure.errno))
                return
            }
            let fromUpstream = Self.transfer(from: &upstream, to: &client, through: &toClient, pipe: &toClientPipe, io: &io)
            progress.fromUpstream += fromUpstream.read
            progress.wantsPipeToClient = progress.wantsPipeToClient || fromUpstream.filledBuffer
            if let failure = fromUpstream.failure {
                phase = .finished(.failed(failure.onSource ? .upstream : .client, errno: failure.errno))
                return
            }
            moved = fromClient.moved || fromUpstream.moved
        }
        if !isFinished && client.inputEnded && upstream.inputEnded && client.outputShut && upstream.outputShut {
            phase = .finished(.completed)
        }
    }

    private struct Transfer {
        var read = 0
        var moved = false
        var filledBuffer = false
        /// A read (on the source) or a write (on the sink) failed.
        var failure: (onSource: Bool, errno: Int32)?
    }

    /// One read from `source` and one write to `sink`, each only if it can make progress;
    /// through the pipe, if the direction has one and its buffer is empty.
    private static func transfer<IO: RelayIO>(
        from source: inout RelayEndpoint,
        to sink: inout RelayEndpoint,
        through buffer: inout RelayBuffer,
        pipe: inout RelayPipe?,
        io: inout IO
    ) -> Transfer {
        var result = Transfer()
        if pipe != nil && buffer.isEmpty {
            splice(from: &source, to: &sink, through: &pipe!, result: &result, io: &io)
        } else {
            copy(from: &source, to: &sink, through: &buffer, result: &result, io: &io)
        }
        guard result.failure == nil else { return result }
        if source.inputEnded && buffer.isEmpty && (pipe?.held ?? 0) == 0 && !sink.outputShut {
            io.shutdownOutput(sink.fd)
            sink.outputShut = true
        }
        return result
    }

    private static func copy<IO: RelayIO>(
        from source: inout RelayEndpoint,
        to sink: inout RelayEndpoint,
        through buffer: inout RelayBuffer,
        result: inout Transfer,
        io: inout IO
    ) {
        if source.readable && !source.inputEnded && !buffer.isFull {
            let space = buffer.freeSpace()
            switch io.read(source.fd, into: space) {
            case .transferred(let count):
                buffer.appended(count)
                result.read = count
                result.moved = true
                result.filledBuffer = count == buffer.storage.count
                // A short read emptied the socket; the next arrival raises a new edge. Only a
                // hang-up already reported must be read on to its end, as no edge will follow.
                if count < space.count && !source.peerHungUp { source.readable = false }
            case .wouldBlock:
                source.readable = false
            case .endOfInput:
                source.readable = false
                source.inputEnded = true
                result.moved = true
            case .failed(let error):
                result.failure = (true, error)
                return
            }
        }
        if sink.writable && !buffer.isEmpty {
            let pending = buffer.pending
            switch io.write(sink.fd, from: pending) {
            case .transferred(let count):
                buffer.consumed(count)
                result.moved = result.moved || count > 0
                if count < pending.count { sink.writable = false }
            case .wouldBlock, .endOfInput:
                sink.writable = false
            case .failed(let error):
                result.failure = (false, error)
            }
        }
    }

    /// The pipe's counterpart of `copy`: `splice(2)` from the source into the pipe and from the
    /// pipe into the sink, so the bytes never cross into the proxy's memory.
    private static func splice<IO: RelayIO>(
        from source: inout RelayEndpoint,
        to sink: inout RelayEndpoint,
        through pipe: inout RelayPipe,
        result: inout Transfer,
        io: inout IO
    ) {
        if source.readable && !source.inputEnded {
            switch io.splice(from: source.fd, to: pipe.writeFD, count: pipe.capacity) {
            case .transferred(let count):
                pipe.held += count
                result.read = count
                result.moved = true
            case .wouldBlock:
                // Only an empty pipe says the socket is empty: a pipe holding bytes may be full.
                if pipe.held == 0 { source.readable = false }
            case .endOfInput:
                source.readable = false
                source.inputEnded = true
                result.moved = true
            case .failed(let error):
                result.failure = (true, error)
                return
            }
        }
        if sink.writable && pipe.held > 0 {
            switch io.splice(from: pipe.readFD, to: sink.fd, count: pipe.held) {
            case .transferred(let count):
                pipe.held -= count
                result.moved = result.moved || count > 0
                if pipe.held > 0 { sink.writable = false }
            case .wouldBlock, .endOfInput:
                sink.writable = false
            case .failed(let error):
                result.failure = (false, error)
            }
        }
    }
}
