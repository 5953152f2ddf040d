import ArgumentParser
import Glibc

/// `slipway-bench http-ok`: the service of the bring-up benchmark, an HTTP
/// server that listens on `$PORT` the moment it starts and answers every
/// request with 200, so the benchmark measures Slipway, not the service.
struct InstantHTTPServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-ok",
        abstract: "Answer 200 to every HTTP request on $PORT (the bring-up benchmark's service).",
        shouldDisplay: false
    )

    func run() throws {
        guard let text = getenv("PORT"), let port = UInt16(String(cString: text)) else {
            throw ValidationError("PORT is not set")
        }
        let listener = try Self.listen(port: port)
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = read(connection, &buffer, buffer.count)
            _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            close(connection)
        }
    }

    private static func listen(port: UInt16) throws -> CInt {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: CInt = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        var address = ProxyLoopbackPort.address(Int(port))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(socket, 128) == 0 else {
            throw ValidationError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        return socket
    }
}
