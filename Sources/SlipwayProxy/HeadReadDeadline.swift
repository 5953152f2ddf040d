import NIOCore

/// Closes an HTTP client connection whose request head does not arrive completely within the
/// header-read timeout of its first byte, so a slow client cannot hold a connection forever.
/// The exchange handler reports the client's bytes and heads; the deadline is no handler of its
/// own, so the bytes pass one handler fewer.
///
/// One timer serves many requests: when it fires it re-arms for the head being read, if any,
/// so a keep-alive connection does not schedule and cancel a timer per request.
final class HeadReadDeadline {
    private let timeout: TimeAmount
    private var awaitingHead = true
    private var headStarted: NIODeadline?
    private var timer: Scheduled<Void>?

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    /// The first bytes of a head arrived from the client on `channel`, without the rest.
    func bytesArrived(on channel: any Channel) {
        guard awaitingHead && headStarted == nil else { return }
        let started = channel.eventLoop.now
        headStarted = started
        if timer == nil { arm(channel, at: started + timeout) }
    }

    /// The exchange handler saw a complete request head.
    func headReceived() {
        awaitingHead = false
        headStarted = nil
    }

    /// The exchange ended; the next bytes start a new head.
    func exchangeEnded() {
        awaitingHead = true
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ channel: any Channel, at deadline: NIODeadline) {
        timer = channel.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            guard let started = self.headStarted else { return }
            let due = started + self.timeout
            if due <= channel.eventLoop.now {
                channel.close(promise: nil)
            } else {
                self.arm(channel, at: due)
            }
        }
    }
}
