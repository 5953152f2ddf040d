import Foundation

/// Whether a process with this pid still runs: a zombie (ended, not yet
/// reaped by whoever adopted it) counts as gone.
public func processExists(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")"), stat.index(close, offsetBy: 2) < stat.endIndex
    else { return false }
    return stat[stat.index(close, offsetBy: 2)] != "Z"
}
