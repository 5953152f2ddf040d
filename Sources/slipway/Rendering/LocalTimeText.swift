import Foundation
import Glibc

/// Dates in the terminal's time zone (`TZ`), as a person reading the history expects them.
enum LocalTimeText {
    /// `2026-12-04 18:01:11`.
    static func dateTime(_ date: Date) -> String {
        let parts = local(date)
        return "\(Int(parts.tm_year) + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) " + clock(parts)
    }

    /// `18:01:11.123`.
    static func timeWithMilliseconds(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded()) % 1000
        let digits = String(milliseconds)
        return clock(local(date)) + "." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    private static func local(_ date: Date) -> tm {
        var seconds = time_t((date.timeIntervalSince1970 * 1000).rounded() / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return parts
    }

    private static func clock(_ parts: tm) -> String {
        "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    private static func two(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
