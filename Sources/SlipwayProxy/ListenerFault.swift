/// A fault the proxy injects into one listener's traffic (`slipway fault`, docs/proxy.md), so a
/// drill can rehearse a slow or failing dependency without its cooperation.
///
/// HTTP mode: every request waits `latency` before it is forwarded, then `errorRate` of them are
/// answered 503 by the proxy itself. TCP mode: every connection's connect to the instance waits
/// `latency`, and `errorRate` of the connections are reset as they are accepted. Which requests
/// fail is decided by counting, not by chance: with a rate of 0.25, every fourth one.
public struct ListenerFault: Sendable, Hashable {
    public var latency: Duration
    /// The share of requests (HTTP) or connections (TCP) that fail, 0 to 1.
    public var errorRate: Double

    /// The longest latency a fault may add: a minute already exceeds every client's patience.
    public static let maximumLatency = Duration.seconds(60)

    public static let none = ListenerFault()

    public init(latency: Duration = .zero, errorRate: Double = 0) {
        self.latency = latency
        self.errorRate = errorRate
    }

    public var isNone: Bool { latency == .zero && errorRate == 0 }

    /// Whether both parts are within their bounds: latency 0 to `maximumLatency`, rate 0 to 1.
    public var isValid: Bool {
        latency >= .zero && latency <= Self.maximumLatency && errorRate.isFinite && (0...1).contains(errorRate)
    }
}
