/// A listener's `ListenerFault` as each loop's shard keeps it: in the loop clock's nanoseconds and
/// in failures per million, read on every request or connection without converting anything.
struct LoopFault {
    var latency: UInt64 = 0
    var errorsPerMillion = 0
    /// Which `ReverseProxy.setFault` this is: a loop keeps the latest of two that overlap,
    /// whatever order their messages reach it in.
    var version = 0

    init() {}

    init(_ fault: ListenerFault, version: Int) {
        latency = LoopClock.nanoseconds(fault.latency)
        errorsPerMillion = Int((fault.errorRate * 1_000_000).rounded())
        self.version = version
    }
}

extension ListenerShard {
    /// Takes `next` unless a later one already arrived.
    mutating func setFault(_ next: LoopFault) {
        guard next.version > fault.version else { return }
        fault = next
    }

    /// Whether the listener's error rate fails this request or connection; counts it when it does.
    mutating func injectsError() -> Bool {
        guard fault.errorsPerMillion > 0, listener.faultSampler.nextFails(perMillion: fault.errorsPerMillion) else {
            return false
        }
        injectedErrors += 1
        return true
    }
}
