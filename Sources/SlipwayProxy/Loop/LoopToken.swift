/// What an epoll event is about, packed into epoll's 64-bit user data: a kind, a slot index and
/// the slot's generation, so an event still queued for a connection that closed (and whose slot
/// was reused) in the same wake-up is recognised as stale and dropped.
struct LoopToken: Equatable {
    enum Kind: UInt64 {
        case wake = 0
        case listener = 1
        case client = 2
        case upstream = 3
        /// An HTTP-mode client connection (`HTTPSlot`).
        case httpClient = 4
        /// A connection to an instance in HTTP mode (`UpstreamLinkSlot`), pooled or serving one client.
        case httpUpstream = 5
    }

    let raw: UInt64

    init(raw: UInt64) {
        self.raw = raw
    }

    init(kind: Kind, index: Int, generation: UInt32) {
        raw = UInt64(generation) << 32 | UInt64(truncatingIfNeeded: index & 0x1FFF_FFFF) << 3 | kind.rawValue
    }

    var kind: Kind { Kind(rawValue: raw & 7)! }
    var index: Int { Int((raw >> 3) & 0x1FFF_FFFF) }
    var generation: UInt32 { UInt32(truncatingIfNeeded: raw >> 32) }
}
