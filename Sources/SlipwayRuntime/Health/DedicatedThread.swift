import Foundation

/// Runs blocking work (`poll`, `waitpid`) on a thread of its own, because
/// blocking a thread of Swift concurrency's small cooperative pool would
/// stall every other task of the supervisor.
enum DedicatedThread {
    static func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = "slipway-probe"
            thread.start()
        }
    }
}
