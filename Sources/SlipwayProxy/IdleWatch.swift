import NIOCore

/// Closes a connection on which nothing happened for the idle timeout; whoever sees the
/// connection's traffic reports it with `noteActivity()`.
///
/// It makes no promise per event and reads no clock per event: activity only sets a flag, and a
/// timer every timeout period closes the connection if the flag stayed unset for a whole period.
/// A silent connection is therefore closed between one and two timeouts after its last byte.
final class IdleWatch {
    private let timeout: TimeAmount
    private var sawActivity = false
    private var timer: Scheduled<Void>?
    /// Asked only when a whole period passed in silence: a connection whose request waits on
    /// its instance is busy, not idle (the upstream response timeout bounds that wait).
    private var isBusy: (() -> Bool)?

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func noteActivity() {
        sawActivity = true
    }

    /// Starts watching `channel`, on its event loop; the watch ends when the channel closes.
    func start(closing channel: any Channel, busy: (() -> Bool)? = nil) {
        isBusy = busy
        arm(channel)
        channel.closeFuture.assumeIsolated().whenComplete { _ in self.stop() }
    }

    func stop() {
        timer?.cancel()
        timer = nil
        isBusy = nil
    }

    private func arm(_ channel: any Channel) {
        timer = channel.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.timer = nil
            guard self.sawActivity || self.isBusy?() == true else {
                channel.close(promise: nil)
                return
            }
            self.sawActivity = false
            self.arm(channel)
        }
    }
}
