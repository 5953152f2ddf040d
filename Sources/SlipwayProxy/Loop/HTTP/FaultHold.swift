/// A request head an injected latency (`ListenerFault`) holds back: the connection keeps the
/// head and whatever followed it queued, reads nothing more from the client, and lets the head
/// go ahead once the loop's timer heap reaches `until`.
struct FaultHold {
    /// When the held head goes ahead; nil while none is held.
    private(set) var until: UInt64?
    /// The held head's wait is over: the next head handled is that one, and it is not held again.
    private var served = false

    var isHolding: Bool { until != nil }

    /// Whether a head handled at `now` waits `latency` first.
    mutating func holds(now: UInt64, latency: UInt64) -> Bool {
        if served {
            served = false
            return false
        }
        guard latency > 0 else { return false }
        until = now &+ latency
        return true
    }

    /// Whether the held head's wait is over at `now`, in which case it goes ahead.
    mutating func release(now: UInt64) -> Bool {
        guard let until, until <= now else { return false }
        self.until = nil
        served = true
        return true
    }
}
