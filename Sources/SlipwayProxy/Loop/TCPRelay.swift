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

        var movedBytes: Bool { fromClient > 0 || fromUpstream > 0 }
    }

    private(set) var phase = Phase.connecting
    private(set) var client: RelayEndpoint
    private(set) var upstream: RelayEndpoint
    private(set) var toUpstream: RelayBuffer
    private(set) var toClient: RelayBuffer

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
            let fromClient = Self.transfer(from: &client, to: &upstream, through: &toUpstream, io: &io)
            progress.fromClient += fromClient.read
            if let failure = fromClient.failure {
                phase = .finished(.failed(failure.onSource ? .client : .upstream, errno: failure.errno))
                return
            }
            let fromUpstream = Self.transfer(from: &upstream, to: &client, through: &toClient, io: &io)
            progress.fromUpstream += fromUpstream.read
            if let failure = fromUpstream.failure {
                phase = .finished(.failed(failure.onSource ? .upstream : .client, errno: failure.errno))
                return
            }
            moved = fromClient.moved || fromUpstream.moved
        }
        if !isFinished && client.inputEnded && upstream.inputEnded && toUpstream.isEmpty && toClient.isEmpty {
            phase = .finished(.completed)
        }
    }

    private struct Transfer {
        var read = 0
        var moved = false
        /// A read (on the source) or a write (on the sink) failed.
        var failure: (onSource: Bool, errno: Int32)?
    }

    /// One read from `source` and one write to `sink`, each only if it can make progress.
    private static func transfer<IO: RelayIO>(
        from source: inout RelayEndpoint,
        to sink: inout RelayEndpoint,
        through buffer: inout RelayBuffer,
        io: inout IO
    ) -> Transfer {
        var result = Transfer()
        if source.readable && !source.inputEnded && !buffer.isFull {
            let space = buffer.freeSpace()
            switch io.read(source.fd, into: space) {
            case .transferred(let count):
                buffer.appended(count)
                result.read = count
                result.moved = true
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
                return result
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
                return result
            }
        }
        if source.inputEnded && buffer.isEmpty && !sink.outputShut {
            io.shutdownOutput(sink.fd)
            sink.outputShut = true
        }
        return result
    }
}
