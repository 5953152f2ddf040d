/// The verdict of one probe.
public struct ProbeResult: Sendable, Equatable {
    public var isHealthy: Bool
    /// A short account for the user: `exit code 1`, `HTTP 503`,
    /// `timed out after 2s`, `connection refused by 127.0.0.1:41234`.
    public var reason: String
    /// What the probe printed (or the HTTP body), trimmed, at most 4096 bytes.
    public var output: String
    /// How long the probe ran.
    public var duration: Duration

    public init(isHealthy: Bool, reason: String, output: String = "", duration: Duration = .zero) {
        self.isHealthy = isHealthy
        self.reason = reason
        self.output = output
        self.duration = duration
    }
}
