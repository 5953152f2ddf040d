/// Bytes read from one side of a connection and not yet written to the other.
///
/// It does not own `storage`: the memory belongs to the `RelaySlot` that lends it, is allocated
/// once when the slot is first used and freed only when the loop ends, so a connection reuses
/// its slot's buffers and the per-read path allocates nothing.
struct RelayBuffer {
    let storage: UnsafeMutableRawBufferPointer
    private(set) var start = 0
    private(set) var end = 0

    init(storage: UnsafeMutableRawBufferPointer) {
        self.storage = storage
    }

    var isEmpty: Bool { start == end }
    var isFull: Bool { start == 0 && end == storage.count }
    var count: Int { end - start }

    /// Where the next read goes; moves what is left to the front first when that makes room.
    mutating func freeSpace() -> UnsafeMutableRawBufferPointer {
        if start == end {
            start = 0
            end = 0
        } else if end == storage.count && start > 0 {
            storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: end - start)
            end -= start
            start = 0
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    }

    var pending: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[start..<end])
    }

    mutating func appended(_ count: Int) {
        end += count
    }

    mutating func consumed(_ count: Int) {
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    mutating func reset() {
        start = 0
        end = 0
    }
}
