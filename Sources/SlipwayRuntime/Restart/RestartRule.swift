import ComposeKit

/// A service's effective restart policy: `restart`, or `deploy.restart_policy`
/// when given (it takes precedence, as in docker compose), plus
/// `x-slipway.restart_on_unhealthy`.
public struct RestartRule: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        case never
        case onFailure
        /// `always` and `deploy.restart_policy.condition: any`.
        case always
        /// Within one supervisor run it behaves as `always`: a stop the user
        /// asked for is never undone by either (docker's daemon likewise).
        case unlessStopped
    }

    /// Docker's first restart delay.
    public static let defaultBaseDelay: Duration = .milliseconds(100)

    public var condition: Condition
    /// Restarts allowed (`on-failure:N`, `max_attempts`); nil means no limit.
    /// Applies to every condition, as `max_attempts` does in swarm.
    public var maxAttempts: Int?
    /// The first backoff delay (`deploy.restart_policy.delay` when positive), doubled after each restart.
    public var baseDelay: Duration
    /// Only restarts within this sliding window count toward `maxAttempts` (swarm's `window`).
    public var window: Duration?
    /// An instance stopped for being unhealthy restarts whatever `condition` says:
    /// that is all `x-slipway.restart_on_unhealthy` asks for.
    public var restartOnUnhealthy: Bool

    public init(
        condition: Condition, maxAttempts: Int? = nil, baseDelay: Duration = RestartRule.defaultBaseDelay,
        window: Duration? = nil, restartOnUnhealthy: Bool = false
    ) {
        self.condition = condition
        self.maxAttempts = maxAttempts.flatMap { $0 > 0 ? $0 : nil }
        self.baseDelay = baseDelay > .zero ? baseDelay : RestartRule.defaultBaseDelay
        self.window = window.flatMap { $0 > .zero ? $0 : nil }
        self.restartOnUnhealthy = restartOnUnhealthy
    }

    public init(restart: RestartPolicy, deploy: DeployRestartPolicy?, restartOnUnhealthy: Bool = false) {
        if let deploy {
            let condition: Condition = switch deploy.condition {
            case .none: .never
            case .onFailure: .onFailure
            case .any: .always
            }
            self.init(condition: condition, maxAttempts: deploy.maxAttempts, baseDelay: deploy.delay ?? Self.defaultBaseDelay,
                      window: deploy.window, restartOnUnhealthy: restartOnUnhealthy)
            return
        }
        switch restart {
        case .no: self.init(condition: .never, restartOnUnhealthy: restartOnUnhealthy)
        case .always: self.init(condition: .always, restartOnUnhealthy: restartOnUnhealthy)
        case .unlessStopped: self.init(condition: .unlessStopped, restartOnUnhealthy: restartOnUnhealthy)
        case let .onFailure(maxRetries):
            self.init(condition: .onFailure, maxAttempts: maxRetries, restartOnUnhealthy: restartOnUnhealthy)
        }
    }

    public init(service: Service) {
        self.init(restart: service.restart, deploy: service.deployRestartPolicy,
                  restartOnUnhealthy: service.slipway.restartOnUnhealthy)
    }
}
