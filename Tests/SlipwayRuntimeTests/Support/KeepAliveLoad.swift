import Foundation
import Glibc
import Synchronization
import SlipwayTestSupport

/// Keep-alive HTTP clients on real sockets, each sending GETs one after the
/// other on one connection for as long as the load runs, as wrk does. A
/// failure is a response other than 200, or a connection that breaks with a
/// request outstanding; a connection the server closes between requests is
/// reopened (wrk and browsers do the same).
final class KeepAliveLoad: Sendable {
    struct Figures: Sendable, Equatable {
        var succeeded = 0
        var failed = 0
        var bodies: Set<String> = []
    }

    private let port: Int
    private let running = Atomic<Bool>(true)
    private let figures = Mutex(Figures())
    private let finished = Mutex(0)
    private let clients: Int

    init(port: Int, clients: Int) {
        self.port = port
        self.clients = clients
        for _ in 0..<clients {
            let thread = Thread { [self] in
                run()
                finished.withLock { $0 += 1 }
            }
            thread.start()
        }
    }

    var current: Figures { figures.withLock { $0 } }

    /// Stops every client and returns the totals once all have ended.
    func stop() async -> Figures {
        running.store(false, ordering: .relaxed)
        while finished.withLock({ $0 }) < clients { try? await Task.sleep(for: .milliseconds(10)) }
        return current
    }

    private func run() {
        while running.load(ordering: .relaxed) {
            guard let connection = LoopbackHTTP.connect(port: port, receiveTimeout: 30) else {
                figures.withLock { $0.failed += 1 }
                continue
            }
            defer { close(connection) }
            var reader = ResponseReader(descriptor: connection)
            while running.load(ordering: .relaxed) {
                let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
                let sent = request.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent == request.count else {
                    figures.withLock { $0.failed += 1 }
                    break
                }
                guard let response = reader.next() else {
                    figures.withLock { $0.failed += 1 }
                    break
                }
                figures.withLock { figures in
                    if response.status == 200 {
                        figures.succeeded += 1
                        figures.bodies.insert(response.body)
                    } else {
                        figures.failed += 1
                    }
                }
                if response.closes { break }
            }
        }
    }
}

/// Reads responses with a Content-Length body off one connection.
private struct ResponseReader {
    struct Response {
        var status: Int
        var body: String
        var closes: Bool
    }

    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    mutating func next() -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(separator, in: buffer)
            if headEnd == nil, !fill() { return nil }
        }
        guard let end = headEnd else { return nil }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var length = 0
        var closes = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0].lowercased() == "content-length" { length = Int(parts[1]) ?? 0 }
            if parts[0].lowercased() == "connection", parts[1].lowercased() == "close" { closes = true }
        }
        let bodyStart = end + separator.count
        while buffer.count < bodyStart + length {
            if !fill() { return nil }
        }
        let body = String(decoding: buffer[bodyStart..<(bodyStart + length)], as: UTF8.self)
        buffer.removeFirst(bodyStart + length)
        return Response(status: status, body: body, closes: closes)
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
