import SlipwayRuntime

/// `RunningProject.waitUntilHealthy`: the verdict `up --wait` reaches
/// (`ReadinessRule`), followed on the supervisor's status stream, with a
/// deadline.
struct ReadinessDeadline {
    let rule: ReadinessRule
    let timeout: Duration

    /// `.ready` or `.failed` as soon as a status says so; once the deadline
    /// passes, or the supervisor stops, the verdict of its last status.
    func verdict(of supervisor: Supervisor) async -> ReadinessVerdict {
        // Subscribed before the first status is read, so no change falls between the two.
        let updates = (try? await supervisor.watch(services: [])) ?? AsyncStream { $0.finish() }
        let current = await verdictNow(supervisor)
        guard case .waiting = current else { return current }
        let rule = rule
        let timeout = timeout
        let decided = await withTaskGroup(of: ReadinessVerdict?.self) { group in
            group.addTask {
                for await case .status(let snapshot) in updates {
                    let verdict = rule.verdict(snapshot)
                    if case .waiting = verdict { continue }
                    return verdict
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
        if let decided { return decided }
        return await verdictNow(supervisor)
    }

    private func verdictNow(_ supervisor: Supervisor) async -> ReadinessVerdict {
        guard let snapshot = try? await supervisor.status(services: []) else { return .waiting([]) }
        return rule.verdict(snapshot)
    }
}
