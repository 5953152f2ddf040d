import Glibc
import NIOCore

/// Collects an exited shim without blocking: retries `waitpid(WNOHANG)` on
/// the event loop until the kernel has turned it into a zombie.
enum ShimReaper {
    static func reap(_ pid: pid_t, on loop: any EventLoop, attempt: Int = 0) {
        var status: CInt = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == 0, attempt < 6000 else { return }
        loop.scheduleTask(in: .milliseconds(10)) { reap(pid, on: loop, attempt: attempt + 1) }
    }
}
