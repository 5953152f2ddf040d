/// Failures of the proxy's control API, worded for the person running Slipway.
public enum ProxyError: Error, Equatable, CustomStringConvertible {
    case portInUse(host: String, port: Int)
    case bindFailed(host: String, port: Int, reason: String)
    case listenerExists(ListenerKey)
    case unknownListener(ListenerKey)
    case shutDown

    public var description: String {
        switch self {
        case .portInUse(let host, let port):
            "port \(port) on \(host) is already in use; stop whatever listens there or publish another port"
        case .bindFailed(let host, let port, let reason):
            "cannot listen on \(host):\(port): \(reason)"
        case .listenerExists(let key):
            "a listener for \(key) is already open"
        case .unknownListener(let key):
            "no listener is open for \(key)"
        case .shutDown:
            "the proxy has been shut down"
        }
    }
}
