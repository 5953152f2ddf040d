/// A loop's place for one HTTP-mode client connection, reused connection after connection.
///
/// The client's descriptor is owned by the slot while `connection` is set and closed by
/// `ProxyLoop.releaseHTTP(_:)`, which also bumps `generation` so events still queued for it are
/// dropped. The connection's buffers are its own (`ByteBuffer`s that grow only while bytes wait);
/// reads go into the loop's one scratch buffer.
struct HTTPSlot {
    var generation: UInt32 = 0
    var connection: HTTPConnection?
    /// The listener shard the connection was accepted on.
    var shard = 0
    /// Deadline of the slot's one entry in the loop's timer heap, 0 when none is armed.
    var armedDeadline: UInt64 = 0
}
