import Glibc

/// A process named by pid *and* start time (`/proc/PID/stat` field 22), so a
/// recycled pid is never mistaken for the process Slipway started.
public struct ProcessIdentity: Sendable, Hashable, Codable {
    public var pid: Int32
    /// Clock ticks since boot at which the process started.
    public var startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The identity of a live process, or nil when there is none with that pid.
    public static func of(pid: Int32) -> ProcessIdentity? {
        ProcessStat.read(pid: pid).map { ProcessIdentity(pid: pid, startTime: $0.startTime) }
    }

    /// True while this very process exists and has not exited (zombies count as gone).
    public var isAlive: Bool {
        guard let stat = ProcessStat.read(pid: pid) else { return false }
        return stat.startTime == startTime && stat.state != "Z" && stat.state != "X"
    }
}

/// The fields of `/proc/PID/stat` Slipway uses.
struct ProcessStat {
    var pid: Int32
    var state: Character
    var processGroup: Int32
    var session: Int32
    var startTime: UInt64

    static func read(pid: Int32) -> ProcessStat? {
        guard let text = SmallFile.read("/proc/\(pid)/stat") else { return nil }
        return parse(pid: pid, text)
    }

    /// The command name (field 2) is in parentheses and may itself contain
    /// spaces or parentheses, so fields are counted from the last `)`.
    static func parse(pid: Int32, _ text: String) -> ProcessStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field N is fields[N - 3].
        guard fields.count > 19,
              let state = fields[0].first,
              let group = Int32(fields[2]),
              let session = Int32(fields[3]),
              let start = UInt64(fields[19])
        else { return nil }
        return ProcessStat(pid: pid, state: state, processGroup: group, session: session, startTime: start)
    }

    /// Every process currently visible in /proc.
    static func all() -> [ProcessStat] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var result: [ProcessStat] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let pid = Int32(name), let stat = read(pid: pid) { result.append(stat) }
        }
        return result
    }
}

/// Reads small kernel-generated files (`/proc`) without Foundation.
enum SmallFile {
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
