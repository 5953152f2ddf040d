/// The service-level `x-slipway` block. Unknown keys inside it are load errors,
/// so a typo never silently changes behaviour.
public struct SlipwayExtension: Sendable, Equatable, Codable {
    public enum ProxyMode: String, Sendable, Equatable, Codable {
        case tcp
        case http
    }

    /// Runs instead of `command` (lets one file keep a container `command`).
    public var command: CommandLine?
    /// HTTP path probed on the instance's `PORT` (Railway's `healthcheckPath`).
    public var healthPath: String?
    /// Proxy mode for every published port of the service; a long-form port's
    /// `app_protocol: http` selects HTTP for that port alone.
    public var proxy: ProxyMode?
    /// Restart the service when it turns unhealthy (docker never does).
    public var restartOnUnhealthy: Bool
    /// Release phase run before traffic switches (migrations).
    public var release: CommandLine?
    public var deploy: DeploySettings

    public init(
        command: CommandLine? = nil,
        healthPath: String? = nil,
        proxy: ProxyMode? = nil,
        restartOnUnhealthy: Bool = false,
        release: CommandLine? = nil,
        deploy: DeploySettings = DeploySettings()
    ) {
        self.command = command
        self.healthPath = healthPath
        self.proxy = proxy
        self.restartOnUnhealthy = restartOnUnhealthy
        self.release = release
        self.deploy = deploy
    }
}

/// `x-slipway.deploy`: blue-green settings (docs/deploy.md).
public struct DeploySettings: Sendable, Equatable, Codable {
    /// `strategy`: how a deploy replaces the running instance; nil leaves it
    /// to `deploy.update_config.order` and the default (blue-green).
    public enum Strategy: String, Sendable, Equatable, Codable {
        case blueGreen = "blue-green"
        case recreate
    }

    public var strategy: Strategy?
    /// How long in-flight traffic on the old instance may finish.
    public var drain: Duration
    /// How long the previous instance is kept for an instant rollback.
    public var keepPrevious: Duration
    /// How long the new instance is watched before it counts as `active`.
    public var monitor: Duration
    /// Consecutive failed health checks during `monitor` that roll back.
    public var rollbackAfterFailures: Int

    public init(
        strategy: Strategy? = nil,
        drain: Duration = .seconds(10),
        keepPrevious: Duration = .seconds(300),
        monitor: Duration = .seconds(120),
        rollbackAfterFailures: Int = 3
    ) {
        self.strategy = strategy
        self.drain = drain
        self.keepPrevious = keepPrevious
        self.monitor = monitor
        self.rollbackAfterFailures = rollbackAfterFailures
    }
}
