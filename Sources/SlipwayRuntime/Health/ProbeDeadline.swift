/// The moment a probe gives up, and what is left of it in `poll`'s terms.
struct ProbeDeadline {
    let instant: ContinuousClock.Instant

    init(after timeout: Duration) {
        instant = .now + timeout
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Milliseconds until the deadline, rounded up so a poll never wakes just
    /// short of it, and capped at `cap` when given.
    func remainingMilliseconds(cap: Int32? = nil) -> Int32 {
        let remaining = instant - .now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let bounded = Int32(clamping: milliseconds)
        return cap.map { min($0, bounded) } ?? bounded
    }
}
