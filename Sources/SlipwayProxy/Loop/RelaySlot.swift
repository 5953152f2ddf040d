/// A loop's place for one TCP-mode connection, reused connection after connection.
///
/// Owns `toUpstreamStorage` and `toClientStorage`: the loop allocates them when it creates the
/// slot and frees them when the loop is released (`ProxyLoop.deinit`); a `TCPRelay` in the slot
/// borrows them for its life. The relay's two descriptors are owned by the slot while `relay`
/// is set and closed by `ProxyLoop.release(_:)`, which also bumps `generation` so events still
/// queued for them are dropped.
struct RelaySlot {
    static let bufferSize = 16 * 1024

    var generation: UInt32 = 0
    var relay: TCPRelay?
    let toUpstreamStorage: UnsafeMutableRawBufferPointer
    let toClientStorage: UnsafeMutableRawBufferPointer
    /// The listener shard and the instance traffic entry the connection counts in.
    var shard = 0
    var traffic = 0
    var connectStarted: UInt64 = 0
    var connectTimeout: UInt64 = 0
    var idleTimeout: UInt64 = 0
    /// The loop's clock at the last byte moved, the idle timeout's reference.
    var lastActivity: UInt64 = 0
    /// Deadline of the slot's one entry in the loop's timer heap, 0 when none is armed.
    var armedDeadline: UInt64 = 0

    init() {
        toUpstreamStorage = .allocate(byteCount: Self.bufferSize, alignment: 16)
        toClientStorage = .allocate(byteCount: Self.bufferSize, alignment: 16)
    }

    func deallocateBuffers() {
        toUpstreamStorage.deallocate()
        toClientStorage.deallocate()
    }

    /// When the slot's connection must be looked at next: its connect deadline while connecting,
    /// else the end of its idle time.
    var nextDeadline: UInt64 {
        if relay?.phase == .connecting { return connectStarted &+ connectTimeout }
        return lastActivity &+ idleTimeout
    }
}
