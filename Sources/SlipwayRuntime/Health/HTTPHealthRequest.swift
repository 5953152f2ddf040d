import Glibc

/// One `GET` to 127.0.0.1 with a plain non-blocking socket, run on the
/// probe's dedicated thread; every wait is bounded by the deadline and
/// broken by cancellation.
enum HTTPHealthRequest {
    enum Outcome: Equatable {
        case response(HTTPHealthResponse)
        case failed(reason: String)
        case timedOut
        case cancelled
    }

    /// The response is read until the server closes or its `Content-Length`
    /// is met; more than this is not needed to judge it.
    static let readLimit = 65536

    static func get(
        port: Int, path: String, deadline: ProbeDeadline, cancellation: ProbeCancellation
    ) -> Outcome {
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = socket(AF_INET, socketType, 0)
        guard fd >= 0 else { return .failed(reason: ProbeSpawner.systemError("socket")) }
        defer { close(fd) }
        let connection = SocketWait(fd: fd, deadline: deadline, cancellation: cancellation)
        if let failure = connect(connection, port: port) { return failure }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            + "User-Agent: slipway-health\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        if let failure = send(Array(request.utf8), over: connection, port: port) { return failure }
        return receive(over: connection, port: port)
    }

    private static func connect(_ connection: SocketWait, port: Int) -> Outcome? {
        let result = LoopbackAddress(port: port).withSockAddr { Glibc.connect(connection.fd, $0, $1) }
        if result != 0, errno != EINPROGRESS { return refusal(errno, port: port) }
        if let interruption = connection.wait(for: POLLOUT) { return interruption }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
        return socketError == 0 ? nil : refusal(socketError, port: port)
    }

    private static func send(_ bytes: [UInt8], over connection: SocketWait, port: Int) -> Outcome? {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(connection.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                sent += count
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                if let interruption = connection.wait(for: POLLOUT) { return interruption }
            } else if errno != EINTR {
                return .failed(reason: "cannot send the request to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
            }
        }
        return nil
    }

    private static func receive(over connection: SocketWait, port: Int) -> Outcome {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < readLimit {
            let count = read(connection.fd, &chunk, chunk.count)
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
                if let response = HTTPHealthResponse(parsing: received), response.isComplete { return .response(response) }
            } else if count == 0 {
                break
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                if let interruption = connection.wait(for: POLLIN) {
                    return HTTPHealthResponse(parsing: received).map { .response($0) } ?? interruption
                }
            } else if errno != EINTR {
                break
            }
        }
        guard let response = HTTPHealthResponse(parsing: received) else {
            return .failed(reason: "127.0.0.1:\(port) did not answer with an HTTP response")
        }
        return .response(response)
    }

    private static func refusal(_ code: Int32, port: Int) -> Outcome {
        if code == ECONNREFUSED { return .failed(reason: "connection refused by 127.0.0.1:\(port)") }
        return .failed(reason: "cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(code)))")
    }
}

/// Waits for a socket to turn ready, giving up at the deadline or on cancellation.
private struct SocketWait {
    let fd: CInt
    let deadline: ProbeDeadline
    let cancellation: ProbeCancellation

    /// nil once the socket is ready (or errored, which the next call reports).
    func wait(for events: Int32) -> HTTPHealthRequest.Outcome? {
        while true {
            if cancellation.isCancelled { return .cancelled }
            if deadline.hasPassed { return .timedOut }
            var watched = [
                pollfd(fd: fd, events: Int16(events), revents: 0),
                pollfd(fd: cancellation.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&watched, 2, deadline.remainingMilliseconds())
            if ready > 0, watched[0].revents != 0 { return nil }
        }
    }
}
