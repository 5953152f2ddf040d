import Synchronization

/// `up -d --wait`: follows the supervisor's status stream until the rule
/// says ready or failed, or the timeout passes.
public struct ReadinessWait: Sendable {
    public enum Outcome: Sendable, Equatable {
        case ready
        case failed(InstanceStatus, reason: String)
        /// The instances still not ready when time ran out.
        case timedOut(waitingFor: [String])
    }

    public let client: ControlClient
    public let rule: ReadinessRule

    public init(client: ControlClient, rule: ReadinessRule) {
        self.client = client
        self.rule = rule
    }

    public func run(timeout: Duration) async throws(ControlClientError) -> Outcome {
        let last = LatestVerdict()
        let client = client
        let rule = rule
        let watched: Result<Void, ControlClientError> = await withTaskGroup(of: Result<Void, ControlClientError>?.self) { group in
            group.addTask {
                do throws(ControlClientError) {
                    try await client.watch { event in
                        guard case .status(let snapshot) = event else { return true }
                        let verdict = rule.verdict(snapshot)
                        last.set(verdict)
                        if case .waiting = verdict { return true }
                        return false
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .success(())
        }
        let verdict = last.value
        if case .failure(let error) = watched, verdict.map(Self.isWaiting) ?? true { throw error }
        if let verdict { return Self.outcome(of: verdict) }
        return Self.outcome(of: try await finalVerdict())
    }

    /// A timeout can pass before the watch delivers its first status (a
    /// short timeout on a busy machine); one status request then tells what
    /// is still not ready, rather than reporting that nothing was waited for.
    private func finalVerdict() async throws(ControlClientError) -> ReadinessVerdict {
        rule.verdict(try await client.status())
    }

    private static func isWaiting(_ verdict: ReadinessVerdict) -> Bool {
        if case .waiting = verdict { return true }
        return false
    }

    private static func outcome(of verdict: ReadinessVerdict) -> Outcome {
        switch verdict {
        case .ready: .ready
        case .failed(let instance, let reason): .failed(instance, reason: reason)
        case .waiting(let names): .timedOut(waitingFor: names)
        }
    }
}

/// The last verdict the watch reached, read once the wait ends; nil until
/// the first status arrives.
private final class LatestVerdict: Sendable {
    private let verdict = Mutex<ReadinessVerdict?>(nil)

    var value: ReadinessVerdict? { verdict.withLock { $0 } }

    func set(_ value: ReadinessVerdict) { verdict.withLock { $0 = value } }
}
