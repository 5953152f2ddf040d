import Foundation
import Glibc
import Synchronization

/// A steady HTTP load on a published port while a drill runs: `GET /` at
/// `rate` requests a second, spread over a few keep-alive connections on
/// real sockets, each paced on its own clock (as wrk2 paces). A request
/// fails when the answer is not 2xx, the connection breaks with it
/// outstanding, or no answer comes within `timeout` (a frozen server); a
/// connection the server closes between requests is opened again, as
/// browsers and wrk do.
public final class RequestLoad: Sendable {
    public struct Figures: Sendable, Equatable {
        public var sent = 0
        public var failed = 0
        public var lastSuccess: Date?
        public var firstFailure: Date?
        public var lastFailure: Date?
    }

    public let host: String
    public let port: Int
    public let rate: Int
    private let timeout: Duration
    private let connections: Int
    private let running = Atomic<Bool>(true)
    private let figures = Mutex(Figures())
    private let ended = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let finished = Mutex(0)

    /// Starts sending at once; `stop()` ends it.
    public init(host: String, port: Int, rate: Int, timeout: Duration = .seconds(2)) {
        self.host = host
        self.port = port
        self.rate = max(1, rate)
        self.timeout = timeout
        connections = min(4, self.rate)
        for index in 0..<connections {
            Thread { [self] in
                run(offset: Double(index) / Double(self.rate))
                clientEnded()
            }.start()
        }
    }

    public var current: Figures { figures.withLock { $0 } }

    /// Whether a request succeeded after `date`.
    public func succeeded(after date: Date) -> Bool {
        current.lastSuccess.map { $0 > date } ?? false
    }

    /// Stops every connection and returns the totals once all have ended
    /// (at most `timeout` later: a request in flight is waited for).
    public func stop() async -> Figures {
        running.store(false, ordering: .relaxed)
        await withCheckedContinuation { continuation in
            let done = finished.withLock { $0 == connections }
            if done {
                continuation.resume()
            } else {
                ended.withLock { $0.append(continuation) }
                // The last client may have ended between the check and the append.
                if finished.withLock({ $0 == connections }) { resumeWaiters() }
            }
        }
        return current
    }

    private func clientEnded() {
        let all = finished.withLock { count in
            count += 1
            return count == connections
        }
        if all { resumeWaiters() }
    }

    private func resumeWaiters() {
        let waiting = ended.withLock { waiting in
            defer { waiting = [] }
            return waiting
        }
        waiting.forEach { $0.resume() }
    }

    /// One connection's loop: a request every `connections / rate` seconds.
    private func run(offset: Double) {
        let interval = Double(connections) / Double(rate)
        var next = Self.monotonicSeconds() + offset
        var connection: Int32?
        var reader: HTTPResponseReader?
        defer { if let connection { close(connection) } }
        while running.load(ordering: .relaxed) {
            let wait = next - Self.monotonicSeconds()
            if wait > 0 { usleep(useconds_t(min(wait, 0.2) * 1_000_000)); continue }
            next += interval
            if connection == nil {
                connection = openConnection()
                reader = connection.map { HTTPResponseReader(descriptor: $0) }
            }
            guard let open = connection, var current = reader else {
                count(success: false)
                continue
            }
            let request = Array("GET / HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: slipway-drill\r\n\r\n".utf8)
            let written = request.withUnsafeBytes { send(open, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            let response = written == request.count ? current.next() : nil
            reader = current
            count(success: response.map { (200..<300).contains($0.status) } ?? false)
            if response == nil || response?.closes == true {
                close(open)
                connection = nil
                reader = nil
            }
        }
    }

    private func count(success: Bool) {
        let now = Date()
        figures.withLock { figures in
            figures.sent += 1
            if success {
                figures.lastSuccess = now
            } else {
                figures.failed += 1
                if figures.firstFailure == nil { figures.firstFailure = now }
                figures.lastFailure = now
            }
        }
    }

    /// A blocking TCP connection whose reads and writes give up after `timeout`.
    private func openConnection() -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else { return nil }
        defer { freeaddrinfo(found) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        let parts = timeout.components
        var limit = timeval(tv_sec: Int(parts.seconds), tv_usec: Int(parts.attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        guard connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
