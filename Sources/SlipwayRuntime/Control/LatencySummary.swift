import SlipwayProxy

/// A latency histogram with its quantiles worked out, in microseconds.
///
/// The proxy counts durations in fixed buckets, so a quantile is known only
/// as a bound: the upper end of its bucket, or the largest duration seen when
/// that is lower (and for the open-ended last bucket).
public struct LatencySummary: Sendable, Codable, Equatable {
    public struct Bucket: Sendable, Codable, Equatable {
        /// The bucket's upper end; nil for the last one, which counts everything above the others.
        public var upToMicroseconds: Int64?
        public var count: Int

        public init(upToMicroseconds: Int64?, count: Int) {
            self.upToMicroseconds = upToMicroseconds
            self.count = count
        }
    }

    public var count: Int
    public var totalMicroseconds: Int64
    public var maxMicroseconds: Int64
    /// Upper bounds of the median, 90th and 99th percentile; nil when nothing was measured.
    public var p50Microseconds: Int64?
    public var p90Microseconds: Int64?
    public var p99Microseconds: Int64?
    public var buckets: [Bucket]

    public init(_ histogram: LatencyHistogram) {
        count = histogram.count
        totalMicroseconds = histogram.totalMicroseconds
        maxMicroseconds = histogram.maxMicroseconds
        let bounds = LatencyHistogram.bucketUpperBoundsMicroseconds
        buckets = histogram.counts.enumerated().map { index, count in
            Bucket(upToMicroseconds: index < bounds.count ? bounds[index] : nil, count: count)
        }
        p50Microseconds = Self.bound(histogram, 0.5)
        p90Microseconds = Self.bound(histogram, 0.9)
        p99Microseconds = Self.bound(histogram, 0.99)
    }

    private static func bound(_ histogram: LatencyHistogram, _ quantile: Double) -> Int64? {
        guard histogram.count > 0 else { return nil }
        let bucketEnd = histogram.upperBoundMicroseconds(atQuantile: quantile) ?? histogram.maxMicroseconds
        return min(bucketEnd, histogram.maxMicroseconds)
    }
}
