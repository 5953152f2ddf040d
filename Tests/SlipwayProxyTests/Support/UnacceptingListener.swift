#if canImport(Glibc)
import Glibc
#endif

/// A loopback listener that never accepts, with its one-slot accept queue already taken by a
/// first connection, so that further connection attempts hang until their timeout: Linux drops
/// SYNs to a listener whose accept queue is full.
final class UnacceptingListener {
    let port: Int
    private let listener: Int32
    private let filler: Int32

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && listen(listener, 0) == 0 && getsockname(listener, raw, &length) == 0
            }
        }
        guard bound else { throw UnacceptingListenerError() }
        port = Int(UInt16(bigEndian: address.sin_port))
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.filler = filler
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, length) == 0 }
        }
        guard connected else { throw UnacceptingListenerError() }
    }

    deinit {
        close(filler)
        close(listener)
    }
}

struct UnacceptingListenerError: Error {}
