import Glibc
import Synchronization

/// An exclusive `flock` on `<state directory>/supervisor.lock`, held for the
/// supervisor's lifetime, so a second `up` of the same project can never run
/// beside the first. The kernel drops it when the process dies, even by
/// SIGKILL, so a crash never leaves the project locked.
final class SupervisorLock: Sendable {
    private let descriptor: Mutex<CInt>

    /// nil when another process holds the lock.
    init?(path: String) throws(ControlServerError) {
        // CLOEXEC keeps service processes from inheriting the lock and holding it after the supervisor dies.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw ControlServerError.cannotBind(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw ControlServerError.cannotBind(path: path, reason: String(cString: strerror(code)))
        }
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        release()
    }

    /// Lets the next supervisor of the project start.
    func release() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            // Unlocked before the close: a child being spawned at this moment
            // shares the open file until its exec, and the lock with it;
            // close alone would leave the project locked until then.
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }
}
