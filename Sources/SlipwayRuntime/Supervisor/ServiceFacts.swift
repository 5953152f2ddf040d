import ComposeKit
import SlipwayShim

/// What has happened to a service so far in this run; enough to judge each
/// `depends_on` condition without looking at the process itself.
struct ServiceFacts: Sendable {
    var hasHealthCheck: Bool
    var launched = false
    var healthy = false
    var lastHealthFailure: String?
    /// Consecutive counted health-check failures of the running process.
    var failingStreak = 0
    var lastExit: ExitStatus?
    /// How many times a process of the instance exited.
    var exits = 0
    var launchFailure: String?
    /// True once no further instance will run (policy gave up, or stopped).
    var finished = false

    enum Verdict: Equatable {
        case satisfied
        case failed(reason: String)
    }

    /// nil while the condition may still be reached.
    func verdict(for condition: Dependency.Condition) -> Verdict? {
        if let launchFailure { return .failed(reason: "failed to start: \(launchFailure)") }
        switch condition {
        case .serviceStarted:
            if launched { return .satisfied }
        case .serviceHealthy:
            guard hasHealthCheck else { return .failed(reason: "has no health check, but a dependent waits for it to be healthy") }
            if healthy { return .satisfied }
            if let lastHealthFailure { return .failed(reason: "is unhealthy: \(lastHealthFailure)") }
            if finished, let lastExit { return .failed(reason: "exited before becoming healthy (\(lastExit))") }
        case .serviceCompletedSuccessfully:
            if lastExit?.isSuccess == true { return .satisfied }
            if finished, let lastExit { return .failed(reason: "did not complete successfully (\(lastExit))") }
        }
        return finished ? .failed(reason: "was stopped") : nil
    }
}
