import Foundation
import Glibc

/// What `down` does when no supervisor answers (it was killed, or crashed):
/// ends whatever its services left running, from the recorded pids and start
/// times, and removes the runtime state it left: process records, logs and
/// the socket file. Deployment history is not runtime state and stays.
public enum LeftoverCleanup {
    /// Returns how many processes it ended. Fails with `alreadyRunning` when a
    /// supervisor holds the project (starting up, or not answering), because
    /// sweeping then would kill a live supervisor's services, and with
    /// `untrustedState` when another user could have planted the records.
    public static func run(_ endpoint: ControlEndpoint) throws(ControlServerError) -> Int {
        let state = endpoint.stateDirectory
        guard FileManager.default.fileExists(atPath: state.path) else { return 0 }
        do { try state.checkTrusted() } catch { throw .untrustedState(error.description) }
        guard let lock = try SupervisorLock(path: endpoint.lockPath) else { throw .alreadyRunning(endpoint) }
        defer { lock.release() }
        let ended = SurvivorSweep(store: ProcessRecordStore(state)).run()
        unlink(endpoint.socketPath)
        try? FileManager.default.removeItem(atPath: state.logsDirectory)
        try? FileManager.default.removeItem(atPath: state.imagesDirectory)
        return ended
    }
}
