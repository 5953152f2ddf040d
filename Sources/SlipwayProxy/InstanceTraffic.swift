import NIOCore

/// Loop-confined counters and live connections of one instance on one listener.
///
/// `active` counts connections (TCP) or requests (HTTP) in flight; a drain waits for it to reach zero.
final class InstanceTraffic {
    var stats: InstanceStats
    /// Set when a drain timed out, so the failures that follow are counted as `drainClosed`.
    private(set) var closedByDrain = false
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private var idleWaiters: [EventLoopPromise<Void>] = []

    init(instance: InstanceID) {
        stats = InstanceStats(instance: instance)
    }

    func begin() {
        stats.active += 1
    }

    func end() {
        stats.active -= 1
        guard stats.active == 0, !idleWaiters.isEmpty else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.succeed() }
    }

    func recordError(_ kind: ProxyErrorKind) {
        stats.errors[kind, default: 0] += 1
    }

    /// Remembers a channel that carries this instance's traffic so a timed-out drain can close it.
    func track(_ channel: any Channel) {
        channels[ObjectIdentifier(channel)] = channel
        channel.closeFuture.assumeIsolated().whenComplete { _ in
            self.channels[ObjectIdentifier(channel)] = nil
        }
    }

    func whenIdle(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        if stats.active == 0 { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        idleWaiters.append(promise)
        return promise.futureResult
    }

    var openChannelCount: Int { channels.count }

    /// Closes every tracked channel.
    func closeAll() {
        closedByDrain = true
        for channel in Array(channels.values) { channel.close(promise: nil) }
    }
}
