/// Why the supervisor could not open its control socket.
public enum ControlServerError: Error, Equatable, CustomStringConvertible {
    /// Another supervisor holds the project's lock.
    case alreadyRunning(ControlEndpoint)
    case socketPathTooLong(String)
    case cannotBind(path: String, reason: String)
    /// The state directory could have been written by someone else.
    case untrustedState(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let endpoint):
            "project \(endpoint.project) is already running (state directory \(endpoint.stateDirectory.path)); use `slipway ps`, or `slipway down` first"
        case .socketPathTooLong(let path):
            "the control socket path \(path) is longer than the \(ControlEndpoint.maximumSocketPathLength) bytes a Unix socket allows; choose a shorter --state-dir"
        case .cannotBind(let path, let reason):
            "cannot open the control socket \(path): \(reason)"
        case .untrustedState(let reason):
            reason
        }
    }
}
