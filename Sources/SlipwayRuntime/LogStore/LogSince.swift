/// The `--since` value of `logs` in the forms docker accepts: a duration
/// back from now (`10m`, `1h30m`, `1.5h`), an RFC 3339 timestamp or date, or
/// unix seconds (`1764178000`, `1764178000.5`).
public enum LogSince {
    public static func parse(_ text: String, now: LogTimestamp = .now()) throws(LogSinceError) -> LogTimestamp {
        if let nanoseconds = GoDuration.nanoseconds(text) {
            return now.adding(nanoseconds: -nanoseconds)
        }
        if let timestamp = RFC3339Parser.parse(text) ?? unixSeconds(text) {
            return timestamp
        }
        throw LogSinceError(value: text)
    }

    private static func unixSeconds(_ text: String) -> LogTimestamp? {
        let pieces = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = pieces.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), let seconds = Int64(whole) else {
            return nil
        }
        guard pieces.count == 2 else { return LogTimestamp(seconds: seconds) }
        var scanner = DigitScanner(Array(pieces[1].utf8))
        guard let nanoseconds = scanner.fraction(), scanner.atEnd else { return nil }
        return LogTimestamp(seconds: seconds, nanoseconds: nanoseconds)
    }
}

public struct LogSinceError: Error, Equatable, CustomStringConvertible {
    public var value: String
    public var description: String {
        "invalid --since value \"\(value)\": use a duration such as 10m or 1h30m, an RFC 3339 timestamp such as 2026-01-02T15:04:05Z, or unix seconds"
    }
}

/// Go's `time.ParseDuration` syntax, which docker uses for relative `--since`.
enum GoDuration {
    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    static func nanoseconds(_ text: String) -> Int64? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), let scale = units[String(unit)] else { return nil }
            total += value * scale
        }
        return total < Double(Int64.max) ? Int64(total) : nil
    }
}
