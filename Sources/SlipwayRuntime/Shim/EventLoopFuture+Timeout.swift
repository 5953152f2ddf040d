import NIOCore

extension EventLoopFuture where Value == Void {
    /// Succeeds when this future completes or when `timeout` has passed, whichever is first.
    func or(timeout: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let task = loop.scheduleTask(in: timeout) { promise.succeed() }
        hop(to: loop).whenComplete { _ in
            task.cancel()
            promise.succeed()
        }
        return promise.futureResult
    }
}
