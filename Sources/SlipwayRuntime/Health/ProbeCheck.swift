/// What one health probe does.
public enum ProbeCheck: Sendable, Equatable {
    /// `CMD`: exec'd directly, the program found through the instance's `PATH`.
    case exec([String])
    /// `CMD-SHELL` or a plain string: run by `/bin/sh -c`.
    case shell(String)
    /// `x-slipway.health_path`: `GET path` on 127.0.0.1:`port`; 2xx and 3xx are healthy.
    case http(port: Int, path: String)
}

extension ProbeCheck {
    /// The check run through an exec step of `slipway-shim`: `prefix` is that
    /// step's argv up to the program, which it execs with its own argv. An
    /// HTTP check runs in the supervisor itself and is returned as it is.
    func execed(through prefix: [String]) -> ProbeCheck {
        switch self {
        case .http: return self
        case let .shell(script): return .exec(prefix + ["/bin/sh", "/bin/sh", "-c", script])
        case let .exec(arguments):
            guard let program = arguments.first else { return self }
            return .exec(prefix + [program] + arguments)
        }
    }
}
