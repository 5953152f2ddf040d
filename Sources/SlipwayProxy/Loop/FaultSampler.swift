import Synchronization

/// Decides which requests (or connections) of a listener an injected error rate fails, by
/// counting rather than by chance, so the share is exact and tests can count it: the n-th fails
/// when `n × rate` passes a whole number, so a rate of 0.25 fails the 4th, 8th, 12th...
///
/// Shared by the listener's loops, so the count is the listener's, whichever loop accepted what.
final class FaultSampler: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts from zero again: a new fault starts its own sequence.
    func restart() {
        count.store(0, ordering: .relaxed)
    }

    func nextFails(perMillion rate: Int) -> Bool {
        let n = count.wrappingAdd(1, ordering: .relaxed).newValue
        return n * rate / 1_000_000 > (n - 1) * rate / 1_000_000
    }
}
