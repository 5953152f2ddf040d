import Foundation
import SlipwayShim

/// What `down` waits for before it returns, so a test fixture can reuse the
/// ports and trust that nothing is left: the supervisor released the
/// project's lock (which it does after closing every proxy listener and
/// stopping every service), and no process it recorded — shim, service
/// leader, or any member of a service's process group — is alive.
public struct ShutdownWait: Sendable {
    private let endpoint: ControlEndpoint
    private let records: [ProcessRecord]

    /// Read before `down` is sent: the supervisor removes the records as it ends.
    public init(endpoint: ControlEndpoint) {
        self.endpoint = endpoint
        records = ProcessRecordStore(endpoint.stateDirectory).all()
    }

    /// True once all is gone, false if it is not by `timeout`.
    public func wait(timeout: Duration) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if processesGone() && lockReleased() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return processesGone() && lockReleased()
    }

    /// Taken and given back at once: only a live supervisor holds it.
    private func lockReleased() -> Bool {
        guard let lock = try? SupervisorLock(path: endpoint.lockPath) else {
            return !FileManager.default.fileExists(atPath: endpoint.lockPath)
        }
        lock.release()
        return true
    }

    private func processesGone() -> Bool {
        if records.contains(where: { $0.shim.isAlive || $0.leader.isAlive }) { return false }
        let groups = Set(records.map(\.leader.pid))
        return !ProcessStat.all().contains { groups.contains($0.processGroup) && $0.state != "Z" && $0.state != "X" }
    }
}
