import ComposeKit
import SlipwayStore

/// One step of a drill file, with the line it starts on.
public struct DrillStep: Sendable, Equatable {
    public var line: Int
    public var action: DrillAction

    public init(line: Int, action: DrillAction) {
        self.line = line
        self.action = action
    }
}

/// What a drill file's step does. A nil service is the drill's own (the one under load).
public enum DrillAction: Sendable, Equatable {
    /// The definition the service runs now, deployed again with these changes.
    case deploy(service: String?, environment: [String: String], command: CommandLine?, failHealth: Bool, force: Bool)
    case kill(service: String?, signal: Int32)
    case pause(service: String?)
    case unpause(service: String?)
    case fault(service: String?, latencyMilliseconds: Int?, errorRate: Double?, reset: Bool)
    case wait(Duration)
    /// Looks every 20 ms until the condition holds; at `timeout` the drill fails on this line.
    case waitUntil(DrillCondition, timeout: Duration)
    case rollback(service: String?)
    /// One expectation, graded when the step runs; `text` is the key and value as written.
    case expect(DrillCheck, text: String)
}

/// What `wait: {until: ...}` waits for.
public enum DrillCondition: String, Sendable, Equatable, CaseIterable {
    /// The serving instance's health check passes.
    case healthy
    /// The drill's last deployment took the traffic.
    case switched
    /// The drill's last deployment failed (before or after the switch).
    case failed
    /// The drill's last deployment was rolled back.
    case rolledBack = "rolled_back"
    /// The definition that served before the drill serves again.
    case restored
}

/// What an `expect` step checks.
public enum DrillCheck: Sendable, Equatable {
    /// The drill's last deployment has this status.
    case status(DeploymentStatus)
    /// The serving deployment is the drill's last one (`drill`), or runs the definition that served
    /// before the drill (`previous`).
    case active(drill: Bool)
    /// At most this many requests of the load failed so far.
    case failedRequests(max: Int)
    /// As `active`, and a request of the load succeeded since that deployment took the traffic.
    case serving(new: Bool)
}
