import Foundation

/// CPU time a benchmark target's processes have used, split into user and system time.
struct ProxyCPUTime {
    var userSeconds: Double
    var systemSeconds: Double

    var totalSeconds: Double { userSeconds + systemSeconds }

    /// The process and its direct children together: nginx serves from a worker forked by the
    /// master the benchmark starts, while haproxy and `proxy serve` have no children. The kernel
    /// already sums a process's threads in its stat.
    static func ofProcessAndChildren(_ pid: Int32) -> ProxyCPUTime? {
        let stats = ProxyProcessStat.all()
        guard stats.contains(where: { $0.pid == pid }) else { return nil }
        let tree = stats.filter { $0.pid == pid || $0.parentPID == pid }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ProxyCPUTime(
            userSeconds: Double(tree.map(\.userTicks).reduce(0, +)) / ticksPerSecond,
            systemSeconds: Double(tree.map(\.systemTicks).reduce(0, +)) / ticksPerSecond
        )
    }

    /// This process alone (every thread, no children): the bulk transfer's sender and receiver.
    static func ofThisProcess() -> ProxyCPUTime {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return ProxyCPUTime(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        )
    }

    static func - (after: ProxyCPUTime, before: ProxyCPUTime) -> ProxyCPUTime {
        ProxyCPUTime(
            userSeconds: after.userSeconds - before.userSeconds,
            systemSeconds: after.systemSeconds - before.systemSeconds
        )
    }
}
