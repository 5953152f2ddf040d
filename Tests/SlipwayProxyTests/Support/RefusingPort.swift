#if canImport(Glibc)
import Glibc
#endif

/// A loopback port that refuses connections for as long as this object lives: a socket bound
/// to it without listening, so the kernel answers SYNs with a reset. Holding the binding keeps
/// tests running alongside from being given the same port, which a port bound once and
/// released could be.
final class RefusingPort {
    private let socket: LoopbackSocket

    var port: Int { socket.port }

    init() throws {
        socket = try LoopbackSocket(listenBacklog: nil)
    }

    deinit {
        close(socket.descriptor)
    }
}
