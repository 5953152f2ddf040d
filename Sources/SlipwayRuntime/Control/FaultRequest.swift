/// `slipway fault SERVICE`: what to change of the fault the proxy injects into the service's
/// traffic (`ListenerFault`, docs/proxy.md). Parts left nil keep their current value; `reset`
/// clears both first. A request that changes nothing reads the current fault.
public struct FaultRequest: Sendable, Codable, Equatable {
    public var service: String
    public var latencyMilliseconds: Int?
    public var errorRate: Double?
    public var reset: Bool

    public init(service: String, latencyMilliseconds: Int? = nil, errorRate: Double? = nil, reset: Bool = false) {
        self.service = service
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.reset = reset
    }

    /// Whether the request changes anything, rather than reading the fault.
    public var changes: Bool { reset || latencyMilliseconds != nil || errorRate != nil }
}
