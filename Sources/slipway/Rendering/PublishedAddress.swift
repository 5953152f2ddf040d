import SlipwayRuntime

/// A published port as a client dials it: `127.0.0.1:41234`, `[::1]:41234`,
/// as `docker compose port` prints it.
enum PublishedAddress {
    static func text(_ publisher: PortPublisher) -> String {
        let host = publisher.url.contains(":") ? "[\(publisher.url)]" : publisher.url
        return "\(host):\(publisher.publishedPort)"
    }

    /// `8000/tcp`, the key a port is looked up by.
    static func key(_ publisher: PortPublisher) -> String {
        "\(publisher.targetPort)/\(publisher.protocol)"
    }
}
