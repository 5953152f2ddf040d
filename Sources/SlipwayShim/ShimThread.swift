import Glibc

/// A detached POSIX thread for the shim's blocking waits (the leader's
/// exit, the stop grace period): Foundation's `Thread` would bring
/// Foundation into a program whose start-up cost is the point.
package enum ShimThread {
    /// Starts `body` on a new detached thread; false when none could be made.
    @discardableResult
    package static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let retained = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, retained.toOpaque())
        guard result == 0 else {
            retained.release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
