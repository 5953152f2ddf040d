/// A listener that is bound and accepting.
public struct Listener: Sendable, Hashable {
    public var key: ListenerKey
    public var host: String
    /// The port actually bound (differs from the configured one when that was 0).
    public var boundPort: Int
    public var mode: ProxyMode
}
