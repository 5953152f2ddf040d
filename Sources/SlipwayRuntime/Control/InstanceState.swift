/// Where an instance is in its life, named as docker compose names container states.
public enum InstanceState: String, Sendable, Codable, CaseIterable {
    /// Known to the supervisor but never launched (waiting for its dependencies).
    case created
    /// Launched; its health check has not passed yet.
    case starting
    case running
    /// Frozen with SIGSTOP (`slipway pause`) until `unpause`.
    case paused
    /// Exited and waiting out its restart backoff.
    case restarting
    /// Ended on its own (or crashed) and will not be restarted.
    case exited
    /// Stopped on request (`stop`, `down`).
    case stopped

    /// Whether `ps` lists the instance without `-a`, as `docker compose ps` lists live containers only.
    public var isLive: Bool {
        switch self {
        case .starting, .running, .paused, .restarting: true
        case .created, .exited, .stopped: false
        }
    }
}
