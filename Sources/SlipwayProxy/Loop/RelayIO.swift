#if canImport(Glibc)
import Glibc
#endif
import CProxyLoop

/// What one non-blocking read or write did.
enum IOResult: Equatable {
    case transferred(Int)
    case wouldBlock
    /// A read found the peer's end of stream.
    case endOfInput
    case failed(errno: Int32)
}

/// The system calls a connection's state machine makes. The loop passes `SystemRelayIO`; tests
/// pass a scripted one, so partial transfers, `EAGAIN` and resets are driven without sockets.
/// Generic, never an existential, so the loop's calls compile to direct system calls.
protocol RelayIO {
    mutating func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult
    mutating func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) -> IOResult
    mutating func shutdownOutput(_ fd: Int32)
    /// Moves up to `count` bytes between a socket and a pipe without copying them (`splice(2)`).
    mutating func splice(from source: Int32, to sink: Int32, count: Int) -> IOResult
    /// The outcome of a non-blocking connect on `fd`: 0, or the errno it failed with.
    mutating func connectError(_ fd: Int32) -> Int32
}

struct SystemRelayIO: RelayIO {
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = c_proxy_loop_read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .transferred(count) }
            if count == 0 { return .endOfInput }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let error: return .failed(errno: error)
            }
        }
    }

    func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) -> IOResult {
        while true {
            // MSG_NOSIGNAL: a peer gone away is an EPIPE to handle, not a SIGPIPE.
            let count = c_proxy_loop_send(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return .transferred(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let error: return .failed(errno: error)
            }
        }
    }

    func splice(from source: Int32, to sink: Int32, count: Int) -> IOResult {
        while true {
            let moved = c_proxy_loop_splice(source, sink, count)
            if moved > 0 { return .transferred(moved) }
            if moved == 0 { return .endOfInput }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let error: return .failed(errno: error)
            }
        }
    }

    func shutdownOutput(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    func connectError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }
}
