import Glibc

/// One supervisor per project: an exclusive `flock` on `supervisor.lock` in
/// the state directory, held for the supervisor's life. The kernel drops it
/// when the process dies, even by SIGKILL, so a crashed supervisor never
/// blocks the next `up`, while a live one is never swept by a second.
public final class SupervisorLock: Sendable {
    private let descriptor: CInt

    /// Takes the lock, or throws when another live supervisor holds it.
    public init(_ state: StateDirectory) throws(UpError) {
        let path = state.path + "/supervisor.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw UpError.stateDirectory("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = SmallFile.read(path).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            close(descriptor)
            throw UpError.alreadyRunning(stateDirectory: state.path, pid: holder)
        }
        ftruncate(descriptor, 0)
        writeFully(descriptor, "\(getpid())\n")
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
