import ComposeKit

/// How a deploy replaces a service's running instance, from its compose keys.
///
/// Compose's own `deploy.update_config` wins over `x-slipway.deploy` where
/// both speak (order against strategy, monitor against monitor), because it
/// is the key other tools read too (docs/deploy.md).
struct DeployPlan: Sendable, Equatable {
    enum Strategy: Sendable, Equatable {
        /// Green on new private ports, the proxy switched once it is healthy, blue drained.
        case blueGreen
        /// No ports to switch: the new instance starts, then the old one stops.
        case startThenStop
        /// The old instance stops, then the new one starts.
        case recreate
    }

    var strategy: Strategy
    var drain: Duration
    var keepPrevious: Duration
    var monitor: Duration
    /// How long green may take to turn healthy (or, without a health check, to accept a connection).
    var readyBudget: Duration
    var release: CommandLine?
    /// What a failure inside the monitor window does (`update_config.failure_action`, default rollback).
    var failureAction: UpdateConfig.FailureAction
    /// Failed health checks in a row that count as a failure inside the window.
    var failuresBeforeRollback: Int

    static let minimumReadyBudget = Duration.seconds(30)

    init(service: Service) {
        let settings = service.slipway.deploy
        strategy = Self.strategy(service)
        drain = settings.drain
        keepPrevious = settings.keepPrevious
        monitor = service.updateConfig?.monitor ?? settings.monitor
        release = service.slipway.release
        readyBudget = Self.readyBudget(service)
        failureAction = service.updateConfig?.failureAction ?? .rollback
        failuresBeforeRollback = max(settings.rollbackAfterFailures, 1)
    }

    /// How a rollback to `service` runs: `deploy.rollback_config` in place of
    /// `update_config` (its order and monitor), and a rollback that fails in
    /// its own window is not rolled back again unless the config says so.
    init(rollbackTo service: Service, from current: Service) {
        var rollback = service
        rollback.updateConfig = current.rollbackConfig.map { config in
            UpdateConfig(order: config.order, monitor: config.monitor, failureAction: config.failureAction ?? .pause, delay: config.delay)
        } ?? UpdateConfig(order: service.updateConfig?.order, monitor: service.updateConfig?.monitor, failureAction: .pause)
        self.init(service: rollback)
        // A release command (migrations) moves forward; going back does not run it again.
        release = nil
        // The version rolled back from is not kept for a return to it.
        keepPrevious = .zero
    }

    /// Two servers cannot share one data directory, so a service with
    /// `volumes`, or an image adapter's service (its data directory outlives
    /// the instance), is recreated unless a key asks otherwise.
    private static func strategy(_ service: Service) -> Strategy {
        let recreate: Bool
        switch (service.updateConfig?.order, service.slipway.deploy.strategy) {
        case (.stopFirst?, _): recreate = true
        case (.startFirst?, _): recreate = false
        case (nil, .recreate?): recreate = true
        case (nil, .blueGreen?): recreate = false
        case (nil, nil): recreate = service.notEmulated["volumes"] != nil || service.dataLivesInVolume
        }
        if recreate { return .recreate }
        return service.containerPorts.isEmpty ? .startThenStop : .blueGreen
    }

    /// The time the health check needs to reach its verdict, at least 30 s (the seed platform's wait).
    private static func readyBudget(_ service: Service) -> Duration {
        guard let plan = try? HealthCheckPlan(service: service, primaryPort: 0) else { return minimumReadyBudget }
        let verdict = plan.startPeriod + (plan.interval + plan.timeout) * (plan.retries + 1)
        return max(verdict, minimumReadyBudget)
    }
}
