/// Categories of failed traffic, counted per instance.
public enum ProxyErrorKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The upstream refused or reset the connection attempt.
    case connectFailed
    /// Connecting to the upstream took longer than the connect timeout.
    case connectTimeout
    /// The upstream did not start its response within the response timeout (HTTP 504).
    case upstreamTimeout
    /// The upstream closed or reset the connection before the response was complete.
    case upstreamClosed
    /// The client went away before its request or response was complete.
    case clientClosed
    /// A drain timed out and closed the connection.
    case drainClosed
}
