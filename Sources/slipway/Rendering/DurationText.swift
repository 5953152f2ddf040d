import Foundation

/// How long a deployment took: `850ms`, `4.2s`, `3m07s`, `2h13m`, `4d6h`;
/// tenths below a minute because most deploys of a local stack take seconds.
enum DurationText {
    static func compact(_ interval: TimeInterval) -> String {
        // Whole milliseconds first: the log keeps milliseconds, and a difference of two dates is rarely exact.
        let milliseconds = max(0, Int((interval * 1000).rounded()))
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 { return "\(milliseconds / 1000).\(milliseconds % 1000 / 100)s" }
        let seconds = milliseconds / 1000
        switch seconds {
        case ..<3600: return "\(seconds / 60)m\(twoDigits(seconds % 60))s"
        case ..<86400: return "\(seconds / 3600)h\(twoDigits(seconds % 3600 / 60))m"
        default: return "\(seconds / 86400)d\(seconds % 86400 / 3600)h"
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
