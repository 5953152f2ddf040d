/// One port of an instance as `docker compose ps` shows it: a published port is
/// a proxy listener at `url:publishedPort`; an exposed-only port has
/// `publishedPort` 0.
public struct PortPublisher: Sendable, Codable, Equatable {
    /// The host address the proxy listens on (`127.0.0.1` unless the file names another).
    public var url: String
    /// The container port the compose file names (`8000` in `"8003:8000"`).
    public var targetPort: Int
    public var publishedPort: Int
    /// `tcp` or `udp`.
    public var `protocol`: String

    public init(url: String, targetPort: Int, publishedPort: Int, protocol: String = "tcp") {
        self.url = url
        self.targetPort = targetPort
        self.publishedPort = publishedPort
        self.protocol = `protocol`
    }

    /// Where a client dials the port: `127.0.0.1:41234`, `[::1]:41234`, as
    /// `docker compose port` prints it.
    public var address: String {
        let host = url.contains(":") ? "[\(url)]" : url
        return "\(host):\(publishedPort)"
    }
}
