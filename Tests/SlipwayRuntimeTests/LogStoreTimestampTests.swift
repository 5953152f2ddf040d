import Foundation
import Testing

@testable import SlipwayRuntime

@Suite("Log store timestamps and --since")
struct LogStoreTimestampTests {
    @Test("timestamps are written as RFC 3339 UTC with nine fractional digits")
    func formatting() {
        let timestamp = LogTimestamp(seconds: 1_764_178_000, nanoseconds: 120_000_007)
        #expect(timestamp.description == "2025-11-26T17:26:40.120000007Z")
        #expect(LogTimestamp(seconds: 0).description == "1970-01-01T00:00:00.000000000Z")
    }

    @Test("a written timestamp parses back to the same instant")
    func roundTrip() throws {
        let now = LogTimestamp.now()
        #expect(RFC3339Parser.parse(now.description) == now)
    }

    @Test("RFC 3339 with an offset, a short fraction, or none")
    func offsets() {
        #expect(RFC3339Parser.parse("2025-11-26T18:26:40+01:00") == LogTimestamp(seconds: 1_764_178_000))
        #expect(RFC3339Parser.parse("2025-11-26T17:26:40.5Z") == LogTimestamp(seconds: 1_764_178_000, nanoseconds: 500_000_000))
        #expect(RFC3339Parser.parse("2025-11-26T12:56:40-04:30") == LogTimestamp(seconds: 1_764_178_000))
        #expect(RFC3339Parser.parse("2025-11-26T17:26") == nil)
        #expect(RFC3339Parser.parse("2025-11-26T17:26:40.Z") == nil)
        #expect(RFC3339Parser.parse("yesterday") == nil)
    }

    @Test("--since durations count back from now, in Go's duration syntax")
    func durations() throws {
        let now = LogTimestamp(seconds: 100_000, nanoseconds: 0)
        #expect(try LogSince.parse("10m", now: now) == LogTimestamp(seconds: 99_400))
        #expect(try LogSince.parse("1h30m", now: now) == LogTimestamp(seconds: 94_600))
        #expect(try LogSince.parse("1.5h", now: now) == LogTimestamp(seconds: 94_600))
        #expect(try LogSince.parse("250ms", now: now) == LogTimestamp(seconds: 99_999, nanoseconds: 750_000_000))
    }

    @Test("--since timestamps: RFC 3339 and unix seconds")
    func absolute() throws {
        #expect(try LogSince.parse("2025-11-26T17:26:40Z") == LogTimestamp(seconds: 1_764_178_000))
        #expect(try LogSince.parse("1764178000") == LogTimestamp(seconds: 1_764_178_000))
        #expect(try LogSince.parse("1764178000.25") == LogTimestamp(seconds: 1_764_178_000, nanoseconds: 250_000_000))
    }

    @Test("an unreadable --since value is an error that names it")
    func invalid() {
        for value in ["", "10x", "soon", "1h-5m", "17:00", "ten minutes", "12.5.1"] {
            #expect(throws: LogSinceError(value: value)) { try LogSince.parse(value) }
        }
        #expect(LogSinceError(value: "soon").description.contains("\"soon\""))
    }
}
