import Foundation

/// The bring-up figures as the benchmark prints them.
struct BringUpReport {
    var waves: Int
    var width: Int
    var runs: Int
    /// `up -d --wait` of one healthy service: the fixed cost (CLI, supervisor
    /// start, the wait's round trip) plus one unit.
    var single: Duration
    /// One process start plus one successful probe, as the supervisor saw it
    /// in the single-service runs.
    var unit: Duration
    /// The critical path: `single + (waves - 1) × unit`.
    var limit: Duration
    var wall: Duration
    var rss: Int?

    var text: String {
        let ratio = Double(milliseconds(wall)) / Double(max(milliseconds(limit), 1))
        return """
            medians of \(runs) runs; \(waves) waves × \(width) instantly-ready HTTP servers, service_healthy on the previous wave
            up -d --wait, 1 service                           \(milliseconds(single)) ms
            unit: process start + first successful probe      \(milliseconds(unit)) ms
            critical-path limit: 1 service + \(waves - 1) × unit       \(milliseconds(limit)) ms
            up -d --wait, \(waves * width) services                          \(milliseconds(wall)) ms
            ratio to the limit                                \(String(format: "%.2f", ratio))× (goal ≤ 1.10×)
            supervisor RSS with \(waves * width) services running           \(rss.map { "\($0 / 1024) MiB (\($0) kB)" } ?? "unknown")
            """
    }

    private func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
