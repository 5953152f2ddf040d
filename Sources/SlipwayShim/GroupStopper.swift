import Glibc

/// stop_signal to the whole instance, then SIGKILL once the grace period is
/// over. Used from the shim's main thread only.
package final class GroupStopper {
    private let tree: InstanceTree
    private let signal: Int32
    private let graceMilliseconds: Int
    private var stopping = false

    package init(tree: InstanceTree, signal: Int32, graceMilliseconds: Int) {
        self.tree = tree
        self.signal = signal
        self.graceMilliseconds = graceMilliseconds
    }

    package func stop() {
        guard !stopping else { return }
        stopping = true
        tree.signal(signal)
        let tree = self.tree
        let grace = graceMilliseconds
        let detached = ShimThread.detach {
            var delay = timespec(tv_sec: grace / 1000, tv_nsec: (grace % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&delay, &remaining) < 0, errno == EINTR { delay = remaining }
            tree.signal(SIGKILL)
        }
        // Without a thread to wait out the grace period, no grace: the group must still end.
        if !detached { tree.signal(SIGKILL) }
    }
}
