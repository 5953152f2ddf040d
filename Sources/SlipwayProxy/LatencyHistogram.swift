/// Counts of durations in fixed, roughly logarithmic buckets, cheap enough to update on every request.
public struct LatencyHistogram: Sendable, Hashable {
    /// Upper bounds of the buckets in microseconds; one more bucket counts everything above the last.
    public static let bucketUpperBoundsMicroseconds: [Int64] = [
        100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
        100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
    ]

    /// One count per bucket in `bucketUpperBoundsMicroseconds`, plus the overflow bucket last.
    public private(set) var counts: [Int]
    public private(set) var totalMicroseconds: Int64 = 0
    public private(set) var maxMicroseconds: Int64 = 0

    public init() {
        counts = Array(repeating: 0, count: Self.bucketUpperBoundsMicroseconds.count + 1)
    }

    public var count: Int { counts.reduce(0, +) }

    mutating func record(microseconds: Int64) {
        let bounds = Self.bucketUpperBoundsMicroseconds
        var index = 0
        while index < bounds.count && microseconds > bounds[index] { index += 1 }
        counts[index] += 1
        totalMicroseconds += microseconds
        maxMicroseconds = max(maxMicroseconds, microseconds)
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        totalMicroseconds += other.totalMicroseconds
        maxMicroseconds = max(maxMicroseconds, other.maxMicroseconds)
    }

    /// The upper bound (microseconds) of the bucket holding the given quantile, nil when empty
    /// or when the quantile falls in the overflow bucket.
    public func upperBoundMicroseconds(atQuantile quantile: Double) -> Int64? {
        let total = count
        guard total > 0 else { return nil }
        let target = Int((Double(total) * quantile).rounded(.up))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() {
            seen += bucketCount
            if seen >= max(target, 1) {
                return index < Self.bucketUpperBoundsMicroseconds.count ? Self.bucketUpperBoundsMicroseconds[index] : nil
            }
        }
        return nil
    }
}
