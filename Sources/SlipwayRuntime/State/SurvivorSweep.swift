import Glibc
import SlipwayShim

/// Ends whatever a previous supervisor of the project left running (its shims
/// were killed too, or have not finished stopping yet), using the records in
/// the state directory.
///
/// Identity is checked before every signal: a shim must match its recorded
/// pid and start time; a service process must belong to the recorded session
/// and have started no earlier than its leader, and the session's id must not
/// have been taken by an unrelated, newer session leader.
public struct SurvivorSweep: Sendable {
    public let store: ProcessRecordStore

    public init(store: ProcessRecordStore) {
        self.store = store
    }

    /// Kills every survivor, waits (up to `deadline`) for them to be gone, and
    /// clears the records; returns the number of processes it ended.
    @discardableResult
    /// Blocks while it waits: call it off Swift concurrency's pool
    /// (`DedicatedThread`), or from a command about to exit.
    public func run(deadline: Duration = .seconds(5)) -> Int {
        let records = store.all()
        let ended = records.reduce(0) { $0 + end($1) }
        waitUntilGone(records, deadline: deadline)
        records.forEach(store.remove)
        return ended
    }

    /// SIGKILL to what is left of one recorded instance; returns how many processes it signalled.
    @discardableResult
    public func end(_ record: ProcessRecord) -> Int {
        var ended = 0
        if record.shim.isAlive, kill(record.shim.pid, SIGKILL) == 0 { ended += 1 }
        for member in Self.survivors(of: record.leader) where kill(member.pid, SIGKILL) == 0 {
            ended += 1
        }
        return ended
    }

    static func survivors(of leader: ProcessIdentity) -> [ProcessStat] {
        if let current = ProcessStat.read(pid: leader.pid), current.startTime != leader.startTime,
           current.session == leader.pid {
            return []
        }
        return ProcessStat.all().filter {
            $0.session == leader.pid && $0.startTime >= leader.startTime && $0.state != "Z"
        }
    }

    private func waitUntilGone(_ records: [ProcessRecord], deadline: Duration) {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            let remaining = records.contains { $0.shim.isAlive || !Self.survivors(of: $0.leader).isEmpty }
            if !remaining { return }
            usleep(20_000)
        }
    }
}
