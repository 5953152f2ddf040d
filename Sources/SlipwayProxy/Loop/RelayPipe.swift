#if canImport(Glibc)
import Glibc
#endif
import CProxyLoop

/// A pipe that carries one direction of a bulk TCP transfer with `splice(2)`.
///
/// Its two descriptors are owned by the loop's pipe pool (`ProxyLoop.pipes`) while pooled and by
/// the `RelaySlot` whose relay holds it while attached; the loop takes it back when the
/// connection ends and closes it if it still holds bytes, so no connection sees another's.
struct RelayPipe {
    /// The capacity asked for; what one splice into the pipe asks for is what the pipe got.
    static let requestedCapacity: Int32 = 512 * 1024

    let readFD: Int32
    let writeFD: Int32
    let capacity: Int
    /// Bytes spliced in and not yet out.
    var held = 0

    init(readFD: Int32, writeFD: Int32, capacity: Int = 64 * 1024) {
        self.readFD = readFD
        self.writeFD = writeFD
        self.capacity = capacity
    }

    /// A new non-blocking pipe, or nil when the process is out of descriptors.
    static func open() -> RelayPipe? {
        var fds: [Int32] = [-1, -1]
        let capacity = c_proxy_loop_pipe(&fds, requestedCapacity)
        guard capacity > 0 else { return nil }
        return RelayPipe(readFD: fds[0], writeFD: fds[1], capacity: Int(capacity))
    }

    func close() {
        _ = Glibc.close(readFD)
        _ = Glibc.close(writeFD)
    }
}
