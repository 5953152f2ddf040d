import SlipwayProxy

/// The fault a service's proxy listeners inject after a `fault` request (none: zero and zero).
public struct FaultReport: Sendable, Codable, Equatable {
    public var service: String
    public var latencyMilliseconds: Int
    public var errorRate: Double
    /// Every listener of the service the fault applies to, as `host:port (mode)`:
    /// published ports and the stable endpoints its dependents reach it at.
    public var listeners: [String]

    public init(service: String, latencyMilliseconds: Int, errorRate: Double, listeners: [String]) {
        self.service = service
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.listeners = listeners
    }

    public var isNone: Bool { latencyMilliseconds == 0 && errorRate == 0 }

    init(service: String, fault: ListenerFault, listeners: [String]) {
        let parts = fault.latency.components
        self.init(
            service: service,
            latencyMilliseconds: Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000),
            errorRate: fault.errorRate, listeners: listeners)
    }
}
