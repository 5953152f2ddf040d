import SlipwayProxy

/// A published port of a service and the proxy listener serving it, so
/// `stats` can put the proxy's figures under the port `ps` shows.
struct PublishedListener: Sendable {
    var service: String
    var key: ListenerKey
    var publisher: PortPublisher
}
