#if canImport(Glibc)
import Glibc
#endif

/// A loopback listener that never accepts, with its one-slot accept queue already taken by a
/// first connection, so that further connection attempts hang until their timeout: Linux drops
/// SYNs to a listener whose accept queue is full.
final class UnacceptingListener {
    private let listener: LoopbackSocket
    private let filler: Int32

    var port: Int { listener.port }

    init() throws {
        listener = try LoopbackSocket(listenBacklog: 0)
        guard let filler = listener.connectPeer() else {
            close(listener.descriptor)
            throw LoopbackSocketError()
        }
        self.filler = filler
    }

    deinit {
        close(filler)
        close(listener.descriptor)
    }
}
