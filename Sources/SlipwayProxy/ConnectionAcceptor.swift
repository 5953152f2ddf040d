import NIOCore

/// Admits a freshly accepted HTTP-mode client connection under the listener's limit and hands it
/// to the HTTP forwarder (TCP-mode listeners are served by the proxy's own loops, `ProxyLoop`).
enum ConnectionAcceptor {
    struct ConnectionLimitReached: Error {}

    static func accept(_ channel: any Channel, state: ListenerState) throws {
        guard state.admit(channel) else { throw ConnectionLimitReached() }
        try HTTPForwarder.start(client: channel, state: state)
    }
}
