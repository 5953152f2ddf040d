#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A loopback server that sends every connection `bytes` bytes and closes it, on its own thread,
/// and the client that times one such transfer.
final class BulkSource: @unchecked Sendable {
    // Sendable: `fd` and `bytes` never change; the thread only reads them, and `stop()` closes
    // the socket, which ends the thread's accept.
    let port: Int
    private let fd: Int32
    private let bytes: Int

    init(bytes: Int) throws {
        self.bytes = bytes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = ProxyLoopbackPort.address(0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw ProxyBenchError.notListening("bulk source", 0) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func serve() {
        let chunk = [UInt8](repeating: 0x78, count: 256 * 1024)
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var left = bytes
            while left > 0 {
                let sent = chunk.withUnsafeBytes { send(client, $0.baseAddress, min(left, $0.count), Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { break }
                left -= sent
            }
            close(client)
        }
    }

    /// Connects to `port`, reads to the end and returns megabytes per second.
    static func receiveAll(from port: Int, expecting bytes: Int) throws -> Double {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = ProxyLoopbackPort.address(port)
        let started = MonotonicClock.nanoseconds()
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ProxyBenchError.notListening("bulk target", port) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var received = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += count
        }
        guard received == bytes else { throw ProxyBenchError.stoppedRunning("bulk transfer to port \(port) (\(received) of \(bytes) bytes)") }
        let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
        return Double(bytes) / 1e6 / seconds
    }
}
