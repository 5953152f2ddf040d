import Foundation
import Glibc

/// stop_signal to the whole group, then SIGKILL once the grace period is over.
/// Used from the shim's main thread only.
final class GroupStopper {
    private let group: pid_t
    private let signal: Int32
    private let graceMilliseconds: Int
    private var stopping = false

    init(group: pid_t, signal: Int32, graceMilliseconds: Int) {
        self.group = group
        self.signal = signal
        self.graceMilliseconds = graceMilliseconds
    }

    func stop() {
        guard !stopping else { return }
        stopping = true
        killpg(group, signal)
        let group = self.group
        let grace = graceMilliseconds
        Thread.detachNewThread {
            var delay = timespec(tv_sec: grace / 1000, tv_nsec: (grace % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&delay, &remaining) < 0, errno == EINTR { delay = remaining }
            killpg(group, SIGKILL)
        }
    }
}
