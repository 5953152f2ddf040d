#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC, which every process on the machine shares, so instants taken in the
/// benchmark and in the processes it starts compare directly.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
