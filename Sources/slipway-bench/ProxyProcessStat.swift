import Foundation

/// The fields of /proc/PID/stat the proxy benchmark uses: the parent and the CPU time so far.
struct ProxyProcessStat: Equatable {
    var pid: Int32
    var parentPID: Int32
    /// Field 14, utime: user-mode CPU time of all the process's threads, in clock ticks.
    var userTicks: Int
    /// Field 15, stime: kernel-mode CPU time of all the process's threads, in clock ticks.
    var systemTicks: Int

    /// Parses a stat line. The command name (field 2) may hold spaces and parentheses, so the
    /// fields are counted from the last ')'.
    init?(line: String) {
        guard let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")"),
            let pid = Int32(line[..<open].trimmingCharacters(in: .whitespaces))
        else { return nil }
        // After the name come field 3 (state), 4 (ppid), ... 14 (utime), 15 (stime).
        let fields = line[line.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 12, let parentPID = Int32(fields[1]),
            let userTicks = Int(fields[11]), let systemTicks = Int(fields[12])
        else { return nil }
        self.pid = pid
        self.parentPID = parentPID
        self.userTicks = userTicks
        self.systemTicks = systemTicks
    }

    /// The stat of a running process, or nil when it is gone.
    static func read(pid: Int32) -> ProxyProcessStat? {
        (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).flatMap { ProxyProcessStat(line: $0) }
    }

    /// Every process /proc lists right now.
    static func all() -> [ProxyProcessStat] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).compactMap(read(pid:))
    }
}
