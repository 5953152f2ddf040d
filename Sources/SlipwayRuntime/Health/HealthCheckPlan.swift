import ComposeKit

/// What to probe and when, for one service: the compose `healthcheck`
/// timings with docker's defaults for zero values, and the probe itself.
///
/// `x-slipway.health_path` takes the place of `healthcheck.test` when both
/// are given (it is the Slipway-specific intent; the file's `test` may be
/// there for docker) and stays active even when `healthcheck.disable` is
/// set, since it is written for Slipway alone. Timings still come from
/// `healthcheck`.
public struct HealthCheckPlan: Sendable, Equatable {
    public var check: ProbeCheck
    public var interval: Duration
    public var timeout: Duration
    /// Consecutive counted failures that make the instance unhealthy.
    public var retries: Int
    public var startPeriod: Duration
    public var startInterval: Duration

    public init(
        check: ProbeCheck,
        interval: Duration = .seconds(30),
        timeout: Duration = .seconds(30),
        retries: Int = 3,
        startPeriod: Duration = .zero,
        startInterval: Duration = .seconds(5)
    ) {
        self.check = check
        self.interval = interval > .zero ? interval : .seconds(30)
        self.timeout = timeout > .zero ? timeout : .seconds(30)
        self.retries = retries > 0 ? retries : 3
        self.startPeriod = max(startPeriod, .zero)
        self.startInterval = startInterval > .zero ? startInterval : .seconds(5)
    }

    /// The plan for `service`, or nil when it has no active health check (the
    /// supervisor then treats it as running, never probing it).
    /// `primaryPort` is the instance's private `PORT`, which `health_path` probes.
    public init?(service: Service, primaryPort: Int?) throws(HealthCheckPlanError) {
        let timings = service.healthcheck ?? Healthcheck()
        let check: ProbeCheck
        if let path = service.slipway.healthPath {
            guard let primaryPort else { throw HealthCheckPlanError.healthPathWithoutPort(service: service.name) }
            check = .http(port: primaryPort, path: path.hasPrefix("/") ? path : "/" + path)
        } else if timings.isActive, let test = timings.test {
            switch test {
            case let .exec(arguments): check = .exec(arguments)
            case let .shell(script): check = .shell(script)
            case .none: return nil
            }
        } else {
            return nil
        }
        self.init(
            check: check, interval: timings.interval, timeout: timings.timeout, retries: timings.retries,
            startPeriod: timings.startPeriod, startInterval: timings.startInterval)
    }
}

/// A service's health check cannot be run as written.
public enum HealthCheckPlanError: Error, CustomStringConvertible, Equatable {
    case healthPathWithoutPort(service: String)

    public var description: String {
        switch self {
        case let .healthPathWithoutPort(service):
            "service \"\(service)\" sets x-slipway.health_path but declares no port to probe; "
                + "add the port it listens on to `expose` or `ports`"
        }
    }
}
