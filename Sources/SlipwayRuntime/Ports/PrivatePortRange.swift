import Foundation

/// Where instances' private ports come from: below the kernel's ephemeral
/// range. A port is free between its allocation and the instance's own bind
/// (seconds for Postgres, which binds after `initdb`); a port from the
/// ephemeral range could be taken meanwhile as the local port of any
/// outgoing connection on the machine, one below it only by a program that
/// binds that number itself.
enum PrivatePortRange {
    /// Ports under 10000 are the ones programs and people pick by hand (3000, 5432, 8080).
    static let lowest = 10000

    /// Nil when the ephemeral range leaves too little room below it; then
    /// the kernel picks (bind to port 0), as before.
    static let current: Range<Int>? = below(ephemeralStart: ephemeralStart())

    static func below(ephemeralStart: Int?) -> Range<Int>? {
        guard let ephemeralStart, ephemeralStart - lowest >= 1000 else { return nil }
        return lowest..<ephemeralStart
    }

    private static func ephemeralStart() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else {
            return nil
        }
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
    }
}
