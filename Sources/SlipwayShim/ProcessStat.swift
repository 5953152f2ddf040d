import Glibc

/// The fields of `/proc/PID/stat` Slipway uses.
package struct ProcessStat {
    package var pid: Int32
    package var state: Character
    package var parent: Int32
    package var processGroup: Int32
    package var session: Int32
    package var startTime: UInt64

    package static func read(pid: Int32) -> ProcessStat? {
        guard let text = SmallFile.read("/proc/\(pid)/stat") else { return nil }
        return parse(pid: pid, text)
    }

    /// The command name (field 2) is in parentheses and may itself contain
    /// spaces or parentheses, so fields are counted from the last `)`.
    package static func parse(pid: Int32, _ text: String) -> ProcessStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field N is fields[N - 3].
        guard fields.count > 19,
              let state = fields[0].first,
              let parent = Int32(fields[1]),
              let group = Int32(fields[2]),
              let session = Int32(fields[3]),
              let start = UInt64(fields[19])
        else { return nil }
        return ProcessStat(
            pid: pid, state: state, parent: parent, processGroup: group, session: session, startTime: start)
    }

    /// Every process currently visible in /proc.
    package static func all() -> [ProcessStat] {
        ProcDirectory.numbers(in: "/proc").compactMap { read(pid: $0) }
    }
}
