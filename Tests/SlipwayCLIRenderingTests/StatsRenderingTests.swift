import Foundation
import Testing
@testable import SlipwayCLIRendering
@testable import SlipwayRuntime

/// The table `slipway stats` prints.
@Suite("stats: the table")
struct StatsRenderingTests {
    private static func latency(count: Int, p50: Int64, p90: Int64, p99: Int64) -> LatencySummary {
        var summary = LatencySummary(.init())
        summary.count = count
        summary.maxMicroseconds = p99
        summary.p50Microseconds = p50
        summary.p90Microseconds = p90
        summary.p99Microseconds = p99
        return summary
    }

    private static let snapshot = StatsSnapshot(
        project: "demo", takenAt: Date(timeIntervalSince1970: 1_764_178_000),
        ports: [
            PortStats(
                service: "db", publisher: PortPublisher(url: "127.0.0.1", targetPort: 5432, publishedPort: 5433), mode: .tcp,
                upstream: "db-1",
                instances: [InstanceTrafficStats(
                    instance: "db-1", connections: 7, errors: ["connectFailed": 2, "clientClosed": 1, "drainClosed": 0],
                    bytesIn: 999, bytesOut: 1_234_567, latency: latency(count: 5, p50: 100, p90: 250, p99: 250))]),
            PortStats(
                service: "web", publisher: PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: 8003), mode: .http,
                upstream: "web-10", noInstance: 3, fellBack: 4,
                refusedRequests: PortStats.noRefusals.merging(["invalidHost": 2, "unsupportedTransferCoding": 1]) { $1 },
                instances: [
                    InstanceTrafficStats(
                        instance: "web-9", requests: 1200, bytesIn: 0, bytesOut: 45_600_000,
                        latency: latency(count: 1200, p50: 1_000, p90: 2_500, p99: 1_500_000)),
                    InstanceTrafficStats(instance: "web-10", requests: 0),
                ]),
            PortStats(
                service: "api", publisher: PortPublisher(url: "0.0.0.0", targetPort: 9000, publishedPort: 9001), mode: .http),
        ])

    @Test("one row per instance per port; a port with no instance, turned-away traffic (refused requests by kind) or fallen-back traffic gets a row of its own")
    func table() {
        #expect(StatsTable.lines(Self.snapshot) == [
            "SERVICE   PORT                       INSTANCE   REQUESTS   CONNECTIONS   IN     OUT      P50   P90     P99    ERRORS",
            "db        127.0.0.1:5433->5432/tcp   db-1       -          7             999B   1.23MB   -     -       -      clientClosed=1,connectFailed=2",
            "web       127.0.0.1:8003->8000/tcp   web-9      1200       -             0B     45.6MB   1ms   2.5ms   1.5s   -",
            "web       127.0.0.1:8003->8000/tcp   web-10     0          -             0B     0B       -     -       -      -",
            "web       127.0.0.1:8003->8000/tcp   -          -          -             -      -        -     -       -      fellBack=4,invalidHost=2,noInstance=3,unsupportedTransferCoding=1",
            "api       0.0.0.0:9001->9000/tcp     -          -          -             -      -        -     -       -      -",
        ])
    }

    @Test("an empty selection prints the header alone")
    func emptyTable() {
        #expect(StatsTable.lines(StatsSnapshot(project: "demo", ports: [])) == [
            "SERVICE   PORT   INSTANCE   REQUESTS   CONNECTIONS   IN   OUT   P50   P90   P99   ERRORS",
        ])
    }

    @Test("bytes in decimal units with three digits, durations as the bucket bounds read")
    func cellText() {
        #expect([0, 512, 999, 1_000, 1_234, 999_499, 999_500, 12_345_678_901].map(StatsCellText.bytes)
            == ["0B", "512B", "999B", "1kB", "1.23kB", "999kB", "1MB", "12.3GB"])
        #expect([100, 999, 1_000, 2_500, 250_000, 1_000_000, 10_000_000].map(StatsCellText.duration)
            == ["100µs", "999µs", "1ms", "2.5ms", "250ms", "1s", "10s"])
    }
}
