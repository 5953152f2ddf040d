/// Durations in compose's format, which is Go's `time.ParseDuration`:
/// `1m30s`, `500ms`, `1h2m`, `2us`, `1.5h`, and a bare `0`.
public enum DurationParser {
    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            guard !number.isEmpty, number != ".", let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !$0.isASCIIDigit && $0 != "." }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.nanoseconds
        }
        let nanoseconds = Int64(total.rounded())
        return .nanoseconds(negative ? -nanoseconds : nanoseconds)
    }

    /// The shortest compose spelling of a duration (`1m30s`, `500ms`), for `config` output.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanoseconds == 0 { return "0s" }
        var text = nanoseconds < 0 ? "-" : ""
        nanoseconds = abs(nanoseconds)
        let parts: [(Int64, String)] = [
            (3_600_000_000_000, "h"), (60_000_000_000, "m"), (1_000_000_000, "s"),
            (1_000_000, "ms"), (1_000, "us"), (1, "ns"),
        ]
        for (size, suffix) in parts where nanoseconds >= size {
            text += "\(nanoseconds / size)\(suffix)"
            nanoseconds %= size
        }
        return text
    }
}
