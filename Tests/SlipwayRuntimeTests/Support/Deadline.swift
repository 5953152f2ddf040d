import Synchronization

/// The result of `operation`, or nil once `deadline` passes first, so a wait
/// that never ends fails its test instead of hanging the whole run. The
/// operation runs in its own task: a wait that ignores cancellation cannot
/// hold the caller past the deadline.
func within<Value: Sendable>(
    _ deadline: Duration = .seconds(60), _ operation: @escaping @Sendable () async throws -> Value
) async -> Value? {
    let outcome = FirstOutcome<Value?>()
    return await withCheckedContinuation { continuation in
        outcome.set(continuation)
        let timer = Task {
            try? await Task.sleep(for: deadline)
            outcome.resume(with: nil)
        }
        Task {
            // Not `try?`, which would flatten an optional Value into "no outcome".
            let value: Value?
            do { value = try await operation() } catch { value = nil }
            outcome.resume(with: value)
            timer.cancel()
        }
    }
}

/// Resumes a continuation once, with whichever outcome comes first.
final class FirstOutcome<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(with value: Value) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
