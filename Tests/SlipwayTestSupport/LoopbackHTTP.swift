import Foundation
import Glibc

/// One `GET /` over a fresh loopback connection with `Connection: close`,
/// read to its end: exactly one connection and one request per call, which
/// a pooling client such as URLSession would not promise.
public enum LoopbackHTTP {
    /// The whole response, nil when the connection failed. Blocking I/O runs
    /// on a thread of its own, never on the cooperative pool.
    public static func get(port: Int) async -> String? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: blockingGet(port: port)) }.start()
        }
    }

    private static func blockingGet(port: Int) -> String? {
        // Bounds a proxy that never answers, so the test fails instead of hanging.
        guard let descriptor = connect(port: port, receiveTimeout: 30) else { return nil }
        defer { close(descriptor) }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            return nil
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return String(decoding: response, as: UTF8.self) }
            if count < 0 { return nil }
            response.append(contentsOf: chunk[..<count])
        }
    }

    /// A blocking TCP connection to `127.0.0.1:port` whose reads give up
    /// after `receiveTimeout` seconds; nil when it cannot connect.
    public static func connect(port: Int, receiveTimeout: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            return nil
        }
        return descriptor
    }
}
