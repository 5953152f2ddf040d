#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers for reading header lines without turning them into strings.
enum HeaderBytes {
    /// Index of the first `byte` at or after `start`; memchr, since heads are scanned on every
    /// request and a byte-by-byte Swift loop is several times slower.
    static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    static func trimmed(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = value.startIndex
        var end = value.endIndex
        while start < end && (value[start] == UInt8(ascii: " ") || value[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (value[end - 1] == UInt8(ascii: " ") || value[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: value[start..<end])
    }

    /// A non-negative decimal of at most 18 digits, nothing else.
    static func decimal(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return value.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// Compares with a lowercase ASCII name made of letters, digits and `-`.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] | 0x20 {
            return false
        }
        return true
    }

    /// Whether a header belongs to one hop (RFC 9110 §7.6.1) and must not cross the proxy.
    /// Dispatched on the name's length: it runs for every header line of every message.
    static func isHopByHop(_ name: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 2: equalsIgnoringCase(name, "te")
        case 7: equalsIgnoringCase(name, "upgrade")
        case 10: equalsIgnoringCase(name, "connection") || equalsIgnoringCase(name, "keep-alive")
        case 16: equalsIgnoringCase(name, "proxy-connection")
        default: false
        }
    }

    /// Whether `bytes` starts with a lowercase ASCII `prefix`, in any case.
    static func hasPrefixIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        bytes.count >= prefix.utf8CodeUnitCount
            && equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes.prefix(prefix.utf8CodeUnitCount)), prefix)
    }

    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ other: UnsafeRawBufferPointer) -> Bool {
        bytes.count == other.count && zip(bytes, other).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }

    /// Whether a comma-separated header value lists `token`.
    static func containsToken(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var found = false
        forEachToken(value) { if equalsIgnoringCase($0, token) { found = true } }
        return found
    }

    /// Whether the last entry of a comma-separated value is `token` (the final transfer coding).
    static func lastTokenIs(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var last: UnsafeRawBufferPointer?
        forEachToken(value) { last = $0 }
        return last.map { equalsIgnoringCase($0, token) } ?? false
    }

    /// Calls `body` with each entry of a comma-separated value, trimmed; like `split(separator:)`,
    /// it skips entries with no byte at all but not those of only spaces, so a value such as
    /// "chunked, " does not end in `chunked`. Walks the bytes in place: these run for headers of
    /// every request, so they allocate nothing.
    static func forEachToken(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = value.startIndex
        while start < value.endIndex {
            var end = start
            while end < value.endIndex && value[end] != UInt8(ascii: ",") { end += 1 }
            if end > start { body(trimmed(UnsafeRawBufferPointer(rebasing: value[start..<end]))) }
            start = end + 1
        }
    }
}
