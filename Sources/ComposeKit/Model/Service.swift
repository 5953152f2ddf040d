/// One compose service, normalized: every emulated key typed, defaults applied.
public struct Service: Sendable, Equatable, Codable {
    public var name: String
    public var image: String?
    /// `build` is kept and shown, never built: its Dockerfile's defaults are
    /// already applied to the other fields (docs/dockerfile.md).
    public var build: ComposeValue?
    public var command: CommandLine?
    public var entrypoint: CommandLine?
    /// Resolved environment: the `env_file` values (files in order), then
    /// `environment` over them. A value of `nil` is a bare `KEY` whose variable
    /// is unset in the shell: compose passes nothing for it.
    public var environment: [String: String?]
    public var envFiles: [EnvFileReference]
    /// Absolute, resolved against the project directory.
    public var workingDir: String?
    public var user: String?
    public var dependsOn: [String: Dependency]
    public var healthcheck: Healthcheck?
    public var ports: [PortMapping]
    /// Container ports from `expose` (each one a target port; ranges expanded).
    public var expose: [Int]
    public var restart: RestartPolicy
    public var deployRestartPolicy: DeployRestartPolicy?
    /// `deploy.update_config` (also kept in `notEmulated` for `config`).
    public var updateConfig: UpdateConfig?
    /// `deploy.rollback_config` (also kept in `notEmulated` for `config`).
    public var rollbackConfig: UpdateConfig?
    /// Signal name as written (`SIGTERM`, `SIGINT`, …); nil means SIGTERM.
    public var stopSignal: String?
    /// Defaults to 10 s, as compose does.
    public var stopGracePeriod: Duration
    public var profiles: [String]
    /// `volumes`, as far as Slipway acts on them (named volumes and bind
    /// mounts); the entries are also kept in `notEmulated` for `config`.
    public var mounts: [VolumeMount]
    public var labels: [String: String]
    public var slipway: SlipwayExtension
    /// How large its log may grow (from `logging.options`; the default cap otherwise).
    public var logLimits: LogLimits
    /// Compose keys Slipway accepts but does not emulate, kept for `config`
    /// (`volumes`, `networks`, `cap_add`, …); `logging` is kept here as
    /// written too, only its size options being emulated (`logLimits`).
    public var notEmulated: [String: ComposeValue]
    /// Service-level `x-*` keys other than `x-slipway`.
    public var extensions: [String: ComposeValue]

    public init(name: String) {
        self.name = name
        self.image = nil
        self.build = nil
        self.command = nil
        self.entrypoint = nil
        self.environment = [:]
        self.envFiles = []
        self.workingDir = nil
        self.user = nil
        self.dependsOn = [:]
        self.healthcheck = nil
        self.ports = []
        self.expose = []
        self.restart = .no
        self.deployRestartPolicy = nil
        self.updateConfig = nil
        self.rollbackConfig = nil
        self.stopSignal = nil
        self.stopGracePeriod = .seconds(10)
        self.profiles = []
        self.mounts = []
        self.labels = [:]
        self.slipway = SlipwayExtension()
        self.logLimits = .standard
        self.notEmulated = [:]
        self.extensions = [:]
    }

    /// The command that runs: `x-slipway.command` wins over `command`.
    public var effectiveCommand: CommandLine? { slipway.command ?? command }

    /// Every container port the service listens on, in declaration order,
    /// without repeats: `ports` targets first, then `expose`, then the ports
    /// its image adapter exposes (the image's `EXPOSE`).
    public var containerPorts: [Int] {
        var seen = Set<Int>()
        let imagePorts = imageRun.map { $0.adapter.containerPorts(tag: $0.reference.tag) } ?? []
        return (ports.map(\.target) + expose + imagePorts).filter { seen.insert($0).inserted }
    }
}

/// `command` / `entrypoint`: a string runs through `/bin/sh -c`, a list is exec'd.
public enum CommandLine: Sendable, Equatable, Codable {
    case shell(String)
    case exec([String])
}

public struct EnvFileReference: Sendable, Equatable, Codable {
    /// Absolute path.
    public var path: String
    public var required: Bool
    /// `format: raw`: every `KEY=VALUE` line taken literally (no quotes, escapes or `${}`).
    public var raw: Bool
    public init(path: String, required: Bool = true, raw: Bool = false) {
        self.path = path
        self.required = required
        self.raw = raw
    }
}

public struct Dependency: Sendable, Equatable, Codable {
    public enum Condition: String, Sendable, Equatable, Codable, CaseIterable {
        case serviceStarted = "service_started"
        case serviceHealthy = "service_healthy"
        case serviceCompletedSuccessfully = "service_completed_successfully"
    }
    public var condition: Condition
    /// Restart this service when the dependency is restarted.
    public var restart: Bool
    /// `required: false` lets the service start when the dependency is absent or fails.
    public var required: Bool
    public init(condition: Condition = .serviceStarted, restart: Bool = false, required: Bool = true) {
        self.condition = condition
        self.restart = restart
        self.required = required
    }
}

public struct Healthcheck: Sendable, Equatable, Codable {
    public enum Test: Sendable, Equatable, Codable {
        /// `NONE`: the image's check is switched off.
        case none
        /// `CMD`: exec'd directly.
        case exec([String])
        /// `CMD-SHELL` or a plain string: run by `/bin/sh -c`.
        case shell(String)
    }
    /// nil when the file gives no `test` (only timings), which inherits the
    /// image's check in docker; here a `build:` service inherits its
    /// Dockerfile's `HEALTHCHECK` at load, and nil means no probe.
    public var test: Test?
    public var interval: Duration
    public var timeout: Duration
    public var retries: Int
    public var startPeriod: Duration
    public var startInterval: Duration
    public var disabled: Bool

    public init(
        test: Test? = nil,
        interval: Duration = .seconds(30),
        timeout: Duration = .seconds(30),
        retries: Int = 3,
        startPeriod: Duration = .zero,
        startInterval: Duration = .seconds(5),
        disabled: Bool = false
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.disabled = disabled
    }

    /// True when a probe should actually run.
    public var isActive: Bool {
        guard !disabled, let test else { return false }
        return test != .none
    }
}

public struct PortMapping: Sendable, Equatable, Codable {
    public var name: String?
    /// Container port.
    public var target: Int
    /// Host port; nil publishes on an ephemeral port (`"8000"` alone), and
    /// nil with `publishedRange` means "any free port of that range".
    public var published: Int?
    /// `"8000-8010:80"`: any free host port of this range (with `published` nil).
    public var publishedRange: ClosedRange<Int>?
    /// Host IP to bind; nil means 127.0.0.1 (Slipway's safe default).
    public var hostIP: String?
    public var `protocol`: String
    public var appProtocol: String?
    public var mode: String?

    public init(
        name: String? = nil,
        target: Int,
        published: Int? = nil,
        publishedRange: ClosedRange<Int>? = nil,
        hostIP: String? = nil,
        protocol: String = "tcp",
        appProtocol: String? = nil,
        mode: String? = nil
    ) {
        self.name = name
        self.target = target
        self.published = published
        self.publishedRange = publishedRange
        self.hostIP = hostIP
        self.protocol = `protocol`
        self.appProtocol = appProtocol
        self.mode = mode
    }
}

/// Service-level `restart`.
public enum RestartPolicy: Sendable, Equatable, Codable {
    case no
    case always
    case unlessStopped
    /// `on-failure[:N]`; nil means no limit.
    case onFailure(maxRetries: Int?)
}

/// `deploy.restart_policy`.
public struct DeployRestartPolicy: Sendable, Equatable, Codable {
    public enum Condition: String, Sendable, Equatable, Codable {
        case none
        case onFailure = "on-failure"
        case any
    }
    public var condition: Condition
    public var delay: Duration?
    public var maxAttempts: Int?
    public var window: Duration?
    public init(condition: Condition = .any, delay: Duration? = nil, maxAttempts: Int? = nil, window: Duration? = nil) {
        self.condition = condition
        self.delay = delay
        self.maxAttempts = maxAttempts
        self.window = window
    }
}
