import Glibc

/// Who a process's children are, for walking the tree under a shim.
package enum ChildLinks {
    /// From `/proc/PID/task/TID/children`: reads only the processes of the tree walked. Nil where
    /// the kernel has no such file (built without `CONFIG_PROC_CHILDREN`).
    ///
    /// Every shim of a project walks its tree as it stops, so reading every process's `stat`
    /// instead made a 50-service `down` read /proc 50 times over; that was a third of the CPU of
    /// a bring-up benchmark's stop.
    package static func fromTaskFiles() -> ((pid_t) -> [pid_t])? {
        guard access("/proc/thread-self/children", R_OK) == 0 else { return nil }
        return children(of:)
    }

    /// From the parent field of every process's `/proc/PID/stat`, for kernels without the files.
    package static func fromProcessTable() -> (pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for process in ProcessStat.all() where process.state != "Z" {
            children[process.parent, default: []].append(process.pid)
        }
        return { children[$0] ?? [] }
    }

    /// A process's children are listed per thread: each under the thread that forked it, or,
    /// for an orphan handed to a subreaper, under whichever of its threads the kernel chose.
    private static func children(of pid: pid_t) -> [pid_t] {
        ProcDirectory.numbers(in: "/proc/\(pid)/task").flatMap { thread in
            (SmallFile.read("/proc/\(pid)/task/\(thread)/children") ?? "").split(separator: " ").compactMap { pid_t($0) }
        }
    }
}
