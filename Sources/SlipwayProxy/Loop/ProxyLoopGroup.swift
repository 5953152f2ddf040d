#if canImport(Glibc)
import Glibc
#endif

/// The proxy's loop threads: a fixed number, however many listeners there are. Every listener is
/// watched by every loop, and a connection stays on the loop that accepted it.
final class ProxyLoopGroup: Sendable {
    let loops: [ProxyLoop]

    /// One loop per online core unless `threads` says otherwise.
    init(threads: Int?) throws(ProxyLoopError) {
        let count = max(1, threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var loops: [ProxyLoop] = []
        for _ in 0..<count {
            let loop = try ProxyLoop()
            try loop.start()
            loops.append(loop)
        }
        self.loops = loops
    }

    func addListener(_ listener: LoopListener) async {
        for loop in loops { await loop.run { $0.addListener(listener) } }
    }

    /// Returns once every loop routes new connections as `routes` say; each loop takes the whole
    /// batch in one wake-up, and the loops take it at the same time.
    func route(_ routes: [LoopRoute]) async {
        await withTaskGroup(of: Void.self) { group in
            for loop in loops {
                group.addTask {
                    await loop.run { loop in
                        for route in routes {
                            loop.route(route.listener, to: route.upstream, fallback: route.fallback, version: route.version)
                        }
                    }
                }
            }
        }
    }

    /// Returns once every loop applies `fault` to the listener's new requests and connections.
    func setFault(_ listener: LoopListener, to fault: LoopFault) async {
        for loop in loops { await loop.run { $0.setFault(listener, to: fault) } }
    }

    /// Once no loop watches the listener any more, closes it.
    func removeListener(_ listener: LoopListener) async {
        for loop in loops { await loop.run { $0.removeListener(listener) } }
        listener.close()
    }

    func snapshots(of listener: LoopListener) async -> [ListenerShardSnapshot] {
        var snapshots: [ListenerShardSnapshot] = []
        for loop in loops {
            if let snapshot = await loop.run({ $0.snapshot(of: listener) }) { snapshots.append(snapshot) }
        }
        return snapshots
    }

    /// Nil once `instance` carries nothing on any loop; else, at `deadline`, the number of
    /// connections closed to end its traffic. Loops drain at the same time.
    func drain(_ instance: InstanceID, deadline: UInt64) async -> Int? {
        await withTaskGroup(of: Int?.self) { group in
            for loop in loops {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        loop.submit { $0.drain(instance, deadline: deadline) { continuation.resume(returning: $0) } }
                    }
                }
            }
            var closed: Int?
            for await closedHere in group {
                if let closedHere { closed = (closed ?? 0) + closedHere }
            }
            return closed
        }
    }

    func shutdown() async {
        for loop in loops { await loop.stop() }
    }
}
