import Foundation

/// Bounds the probes in flight across a whole project, so a 50-service
/// bring-up probing adaptively never runs more than `limit` probe processes
/// at once. Waiters get a permit first come, first served.
public actor ProbeLimiter {
    /// Probes mostly wait on their program; a couple per core keeps the
    /// machine responsive while many services start.
    public static var defaultLimit: Int { max(4, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    public let limit: Int
    private var inFlight = 0
    private(set) var peakInFlight = 0
    var waitingCount: Int { waiters.count }
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID: UInt64 = 0

    public init(limit: Int = ProbeLimiter.defaultLimit) {
        self.limit = max(1, limit)
    }

    /// Runs `body` holding one permit; throws `CancellationError` when the
    /// task is cancelled while still waiting for one.
    public nonisolated func withPermit<T: Sendable>(_ body: () async -> T) async throws -> T {
        try await acquire()
        let value = await body()
        await release()
        return value
    }

    private func acquire() async throws {
        if inFlight < limit {
            takePermit()
            return
        }
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.abandonWait(id) }
        }
    }

    /// A freed permit passes straight to the oldest waiter, so `inFlight`
    /// only drops when nobody waits.
    private func release() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func takePermit() {
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
    }

    private func abandonWait(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
