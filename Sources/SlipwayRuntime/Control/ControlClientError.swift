/// Why a control command got no answer it can show.
public enum ControlClientError: Error, Equatable, CustomStringConvertible {
    /// Nothing listens on the project's socket (no file, or a stale one left by a crash).
    case noSupervisor(ControlEndpoint)
    /// The supervisor answered with a refusal or a failure.
    case refused(ControlFailure)
    /// The supervisor closed the connection without a complete answer.
    case connectionLost(ControlEndpoint)
    case unreadableReply(String)
    case socketPathTooLong(String)
    case cannotConnect(path: String, reason: String)

    public var description: String {
        switch self {
        case .noSupervisor(let endpoint):
            "no supervisor is running for project \(endpoint.project) (state directory \(endpoint.stateDirectory.path)); start it with `slipway up -d`"
        case .refused(let failure):
            failure.message
        case .connectionLost(let endpoint):
            "the supervisor of project \(endpoint.project) closed the connection before answering"
        case .unreadableReply(let detail):
            "unreadable answer from the supervisor: \(detail)"
        case .socketPathTooLong(let path):
            "the control socket path \(path) is longer than the \(ControlEndpoint.maximumSocketPathLength) bytes a Unix socket allows; choose a shorter --state-dir"
        case .cannotConnect(let path, let reason):
            "cannot connect to the supervisor at \(path): \(reason)"
        }
    }
}
