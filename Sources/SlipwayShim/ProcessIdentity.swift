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
