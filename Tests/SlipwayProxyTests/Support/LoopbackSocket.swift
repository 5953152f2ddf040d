#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, for tests that need a port
/// in a state a server framework does not produce (refusing, or never accepting).
struct LoopbackSocket {
    let descriptor: Int32
    /// The bound address, port included.
    let address: sockaddr_in

    var port: Int { Int(UInt16(bigEndian: address.sin_port)) }

    /// Binds without SO_REUSEADDR, so no other socket is given the port while this one holds it;
    /// `listenBacklog` nil leaves it bound but not listening. Close-on-exec, as the proxy's own
    /// sockets are: a child another test spawns meanwhile would otherwise keep it listening.
    init(listenBacklog: Int32?) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
                    && listenBacklog.map { listen(descriptor, $0) == 0 } ?? true
            }
        }
        guard ready else {
            close(descriptor)
            throw LoopbackSocketError()
        }
        self.descriptor = descriptor
        self.address = address
    }

    /// Connects a new socket to this one's address; the new descriptor, or nil.
    func connectPeer() -> Int32? {
        let peer = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var target = address
        let connected = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(peer, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(peer)
            return nil
        }
        return peer
    }
}

struct LoopbackSocketError: Error, CustomStringConvertible {
    var description: String { "cannot bind a loopback socket: \(String(cString: strerror(errno)))" }
}
