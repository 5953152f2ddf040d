import ArgumentParser
import Foundation
import Glibc

/// `slipway-bench http-version --port P --body B`: the deploy benchmark's
/// service, a keep-alive HTTP/1.1 server answering every request with 200
/// and `B`, so a client can tell which version served it.
struct VersionHTTPServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-version",
        abstract: "Answer 200 with a fixed body on keep-alive connections (the deploy benchmark's service).",
        shouldDisplay: false
    )

    @Option var port: Int
    @Option var body: String

    func run() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: CInt = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        var address = ProxyLoopbackPort.address(port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1024) == 0 else {
            throw ValidationError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            Thread { Self.serve(connection, reply: reply) }.start()
        }
    }

    /// Answers each request head (GETs without a body) on the connection until the client closes it.
    private static func serve(_ connection: CInt, reply: [UInt8]) {
        defer { close(connection) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            pending += chunk[..<count]
            while let head = firstIndex(of: end, in: pending) {
                pending.removeFirst(head + end.count)
                let sent = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent == reply.count else { return }
            }
        }
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
