import Glibc

/// Reads the timestamp forms docker accepts for `--since`: RFC 3339 with or
/// without fractional seconds and zone (`2026-11-26T17:25:23.5Z`,
/// `…+01:00`, `2026-11-26T17:25:23` in local time) and a bare date
/// (`2026-11-26`, local midnight).
enum RFC3339Parser {
    static func parse(_ text: String) -> LogTimestamp? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        if scanner.atEnd { return local(parts, nanoseconds: 0) }
        guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let nanoseconds = scanner.skip(".") ? scanner.fraction() : 0
        guard let nanoseconds else { return nil }
        if scanner.atEnd { return local(parts, nanoseconds: nanoseconds) }
        guard let offset = scanner.zoneOffset(), scanner.atEnd else { return nil }
        let seconds = Int64(timegm(&parts)) - Int64(offset)
        return LogTimestamp(seconds: seconds, nanoseconds: nanoseconds)
    }

    private static func local(_ parts: tm, nanoseconds: Int32) -> LogTimestamp {
        var parts = parts
        parts.tm_isdst = -1
        return LogTimestamp(seconds: Int64(mktime(&parts)), nanoseconds: nanoseconds)
    }
}

/// A cursor over ASCII bytes for the fixed-width fields of a timestamp.
struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + digits)] {
            guard let digit = Self.digit(byte) else { return nil }
            value = value * 10 + digit
        }
        index += digits
        return value
    }

    /// One to nine digits after the decimal point, as nanoseconds.
    mutating func fraction() -> Int32? {
        var value = 0
        var count = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            if count < 9 { value = value * 10 + digit }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 9) { value *= 10 }
        return Int32(value)
    }

    /// `Z`, `+HH:MM` or `-HH:MM`, as seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        if skip("Z") || skip("z") { return 0 }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(digits: 2), skip(":"), let minutes = number(digits: 2) else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
    }
}
