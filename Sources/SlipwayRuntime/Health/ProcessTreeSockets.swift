import Foundation

/// The socket inodes held open by a process and all its descendants, read
/// from `/proc/PID/fd` (`socket:[INODE]` links) and
/// `/proc/PID/task/TID/children`. Rooted at an instance's shim, which is its
/// subreaper, so a service's orphaned children are found too.
enum ProcessTreeSockets {
    static func inodes(under root: Int32) -> Set<UInt64> {
        var inodes = Set<UInt64>()
        var pending = [root]
        var visited = Set<Int32>()
        while let pid = pending.popLast() {
            guard visited.insert(pid).inserted else { continue }
            inodes.formUnion(socketInodes(of: pid))
            pending.append(contentsOf: children(of: pid))
        }
        return inodes
    }

    private static func socketInodes(of pid: Int32) -> [UInt64] {
        let directory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.compactMap { entry in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(entry)"),
                  target.hasPrefix("socket:["), target.hasSuffix("]")
            else { return nil }
            return UInt64(target.dropFirst(8).dropLast())
        }
    }

    private static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0) }
        }
    }
}
