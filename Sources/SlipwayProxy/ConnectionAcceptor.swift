import NIOCore

/// Admits a freshly accepted client connection under the listener's limit and hands it to the
/// forwarder of the listener's mode.
enum ConnectionAcceptor {
    struct ConnectionLimitReached: Error {}

    static func accept(_ channel: any Channel, state: ListenerState) throws {
        guard state.admit(channel) else { throw ConnectionLimitReached() }
        switch state.config.mode {
        case .tcp: TCPForwarder.start(client: channel, state: state)
        case .http: try HTTPForwarder.start(client: channel, state: state)
        }
    }
}
