import SlipwayProxy

/// The fault `slipway fault` injects into a published port, with what its error rate failed:
/// requests answered 503 (HTTP) or connections reset (TCP).
public struct PortFault: Sendable, Codable, Equatable {
    public var latencyMilliseconds: Int
    public var errorRate: Double
    public var injectedErrors: Int

    public init(latencyMilliseconds: Int, errorRate: Double, injectedErrors: Int) {
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.injectedErrors = injectedErrors
    }

    /// Nil for a listener that never had a fault fail anything and has none now.
    init?(_ listener: ListenerStats) {
        guard !listener.fault.isNone || listener.injectedErrors > 0 else { return nil }
        let parts = listener.fault.latency.components
        self.init(
            latencyMilliseconds: Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000),
            errorRate: listener.fault.errorRate, injectedErrors: listener.injectedErrors)
    }
}
