import Foundation

/// Runs `body` on a fresh stack and ends every process the stack started
/// afterwards, whether `body` passed, failed an expectation, or threw.
func withStack<Result>(_ compose: String, _ body: (TestStack) async throws -> Result) async throws -> Result {
    let stack = try TestStack(compose)
    do {
        let result = try await body(stack)
        await stack.killLeftovers()
        return result
    } catch {
        await stack.killLeftovers()
        throw error
    }
}

extension TestStack {
    /// `ps -a --format json` as dictionaries keyed by service.
    func psRecords(_ extra: [String] = []) async throws -> [String: [String: Any]] {
        let ps = try await run(["ps", "-a", "--format", "json"] + extra)
        // One JSON object per line, as docker compose prints them.
        let records = try ps.output.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return Dictionary(uniqueKeysWithValues: records.compactMap { record in
            (record["Service"] as? String).map { ($0, record) }
        })
    }

    /// Polls `ps` until `service` is in `state`.
    func waitForState(_ service: String, _ state: String, within deadline: Duration = .seconds(30)) async throws -> Bool {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if try await psRecords()[service]?["State"] as? String == state { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
