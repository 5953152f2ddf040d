#if canImport(Glibc)
import Glibc
#endif

/// TCP mode's injected faults on a loop (`ListenerFault`): connections reset at accept, and
/// connections whose connect to the instance waits on the loop's timer heap. Runs only on the
/// loop's thread.
extension ProxyLoop {
    /// An accepted TCP connection waiting out its listener's latency before its connect starts;
    /// `fd` is -1 while the place is free.
    struct HeldAccept {
        var fd: Int32 = -1
        var shard = 0
        var generation: UInt32 = 0
    }

    func setFault(_ listener: LoopListener, to fault: LoopFault) {
        guard let index = shards.firstIndex(where: { $0?.listener === listener }) else { return }
        shards[index]!.setFault(fault)
    }

    /// Takes ownership of the accepted `clientFD` when the listener's fault applies to it: reset
    /// now, or held until its latency passed. False leaves it to the caller.
    func injectTCPFault(_ clientFD: Int32, onShard index: Int) -> Bool {
        if shards[index]!.injectsError() {
            Self.reset(clientFD)
            shards[index]!.listener.release()
            return true
        }
        let latency = shards[index]!.fault.latency
        guard latency > 0 else { return false }
        let held = freeHeldAccepts.popLast() ?? appendHeldAccept()
        heldAccepts[held].fd = clientFD
        heldAccepts[held].shard = index
        timers.push(.init(deadline: now &+ latency, slot: held, generation: heldAccepts[held].generation, isHeldAccept: true))
        return true
    }

    private func appendHeldAccept() -> Int {
        heldAccepts.append(HeldAccept())
        return heldAccepts.count - 1
    }

    /// A held connection's latency passed: its connect starts.
    func fireHeldAccept(_ entry: LoopTimerHeap.Entry) {
        guard heldAccepts[entry.slot].generation == entry.generation, heldAccepts[entry.slot].fd >= 0 else { return }
        let (fd, shard) = (heldAccepts[entry.slot].fd, heldAccepts[entry.slot].shard)
        freeHeldAccept(entry.slot)
        connectTCP(fd, onShard: shard)
    }

    /// Closes the held connections of `shard` (every shard when nil): the listener or the loop is going away.
    func closeHeldAccepts(ofShard shard: Int?) {
        for index in heldAccepts.indices where heldAccepts[index].fd >= 0 && (shard == nil || heldAccepts[index].shard == shard) {
            Glibc.close(heldAccepts[index].fd)
            shards[heldAccepts[index].shard]?.listener.release()
            freeHeldAccept(index)
        }
    }

    private func freeHeldAccept(_ index: Int) {
        heldAccepts[index].fd = -1
        heldAccepts[index].generation &+= 1
        freeHeldAccepts.append(index)
    }

    /// Closes with a reset rather than a FIN (`SO_LINGER` with a zero timeout), as a crashed
    /// dependency's host would: the client reads ECONNRESET.
    private static func reset(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(fd)
    }
}
