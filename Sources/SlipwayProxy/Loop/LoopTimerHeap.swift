/// A loop's pending deadlines, earliest first: one binary heap for every connection's timeouts,
/// not one object per timeout.
///
/// Entries are never removed early. A connection keeps at most one armed entry (see
/// `RelaySlot.armedDeadline`); a deadline that moved later is found stale when its entry comes up
/// and is armed again for the new time, so a request or a read never touches the heap.
struct LoopTimerHeap {
    struct Entry {
        var deadline: UInt64
        var slot: Int
        var generation: UInt32
        /// `slot` is an `HTTPSlot`, not a `RelaySlot`.
        var isHTTP = false
        /// `slot` is a `ProxyLoop.HeldAccept`: a TCP connection an injected latency holds back.
        var isHeldAccept = false
    }

    private var entries: ContiguousArray<Entry> = []

    var earliest: UInt64? { entries.first?.deadline }
    var count: Int { entries.count }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: UInt64) -> Entry? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown()
        }
        return first
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var smallest = left
            let right = left + 1
            if right < entries.count && entries[right].deadline < entries[left].deadline { smallest = right }
            guard entries[smallest].deadline < entries[parent].deadline else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
