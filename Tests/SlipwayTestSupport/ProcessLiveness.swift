import Foundation
import Glibc

/// Whether a process with this pid still runs: a zombie (ended, not yet
/// reaped by whoever adopted it) counts as gone.
public func processExists(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")"), stat.index(close, offsetBy: 2) < stat.endIndex
    else { return false }
    return stat[stat.index(close, offsetBy: 2)] != "Z"
}

/// Live processes whose environment holds `entry` (`NAME=value`) exactly:
/// what a test marked everything it started with.
///
/// Tests poll this while whole stacks run beside them, so it reads each
/// `/proc/PID/environ` into one reused buffer and compares entries with
/// `memchr` and `memcmp`: going through `Data` byte by byte in a debug build
/// held a thread of the tests' shared pool for seconds per scan.
public func processesCarrying(_ entry: String) -> [Int32] {
    let marker = Array(entry.utf8)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    return processIDs().filter { pid in
        carries(pid, marker, in: &buffer) && processExists(pid)
    }
}

private func processIDs() -> [Int32] {
    guard let directory = opendir("/proc") else { return [] }
    defer { closedir(directory) }
    var pids: [Int32] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if let pid = Int32(name) { pids.append(pid) }
    }
    return pids
}

/// Whether one of the NUL-separated entries of `pid`'s environment is
/// `marker`; `buffer` grows to hold the largest environment read.
private func carries(_ pid: Int32, _ marker: [UInt8], in buffer: inout [UInt8]) -> Bool {
    let file = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
    guard file >= 0 else { return false }
    defer { close(file) }
    var length = 0
    while true {
        if length == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress! + length, $0.count - length) }
        guard count > 0 else { break }
        length += count
    }
    return buffer.withUnsafeBytes { bytes in
        let base = bytes.baseAddress!
        return marker.withUnsafeBytes { wanted in
            var start = 0
            while start < length {
                let end = memchr(base + start, 0, length - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? length
                if end - start == wanted.count, memcmp(base + start, wanted.baseAddress!, wanted.count) == 0 { return true }
                start = end + 1
            }
            return false
        }
    }
}
