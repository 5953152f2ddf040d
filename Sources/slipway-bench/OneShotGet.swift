#if canImport(Glibc)
import Glibc
#endif

/// One `GET /` on a fresh loopback connection, as `curl` makes it, timed from connect to the
/// end of the response.
enum OneShotGet {
    struct Failed: Error, CustomStringConvertible {
        var port: Int
        var description: String { "GET http://127.0.0.1:\(port)/ failed" }
    }

    static func milliseconds(port: Int, host: String = "127.0.0.1") throws -> Double {
        let started = MonotonicClock.nanoseconds()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = ProxyLoopbackPort.address(port)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Failed(port: port) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard connected == 0, request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
        else { throw Failed(port: port) }
        var chunk = [UInt8](repeating: 0, count: 4096)
        var received = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw Failed(port: port) }
            if count == 0 { break }
            received += count
        }
        guard received > 0 else { throw Failed(port: port) }
        return Double(MonotonicClock.nanoseconds() - started) / 1_000_000
    }
}
