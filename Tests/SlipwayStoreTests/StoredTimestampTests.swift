import Foundation
import Testing
@testable import SlipwayStore

@Suite("StoredTimestamp")
struct StoredTimestampTests {
    @Test func textIsUTCWithMilliseconds() {
        #expect(StoredTimestamp.text(Date(timeIntervalSince1970: 1_767_323_045.006)) == "2026-01-02T03:04:05.006Z")
        #expect(StoredTimestamp.text(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(StoredTimestamp.text(Date(timeIntervalSince1970: 1_798_761_599.999)) == "2026-12-31T23:59:59.999Z")
        #expect(StoredTimestamp.text(Date(timeIntervalSince1970: 1_796_000_000.05)) == "2026-11-30T00:53:20.050Z")
    }

    @Test func roundedDatesSurviveTheTextUnchanged() {
        for seconds in [1_796_000_000.0, 1_796_000_000.0004, 1_796_000_000.9996, 1_767_323_045.006] {
            let date = StoredTimestamp.rounded(Date(timeIntervalSince1970: seconds))
            #expect(StoredTimestamp.date(StoredTimestamp.text(date)) == date, "\(seconds)")
            #expect(StoredTimestamp.rounded(date) == date)
        }
    }

    @Test func foreignTextIsNotADate() {
        #expect(StoredTimestamp.date("2026-01-02 03:04:05") == nil)
        #expect(StoredTimestamp.date("2026-01-02T03:04:05.00xZ") == nil)
        #expect(StoredTimestamp.date("") == nil)
    }
}
