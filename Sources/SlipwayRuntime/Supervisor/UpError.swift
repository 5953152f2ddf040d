/// Why `up` could not bring the stack up; every case names the service.
public enum UpError: Error, Equatable, CustomStringConvertible {
    /// A dependency did not reach the condition a dependent needs.
    case dependencyFailed(DependencyFailure)
    /// A service could not be started at all (no command, program not found, …).
    case cannotStart(service: String, reason: String)
    /// A published port could not be bound.
    case portUnavailable(service: String, port: String, reason: String)
    /// A service named on the command line is not in the project.
    case unknownService(String)
    case stateDirectory(String)
    /// Another supervisor runs this project (same state directory).
    case alreadyRunning(stateDirectory: String)

    public var description: String {
        switch self {
        case let .dependencyFailed(failure): failure.description
        case let .cannotStart(service, reason): "service \(service) cannot start: \(reason)"
        case let .portUnavailable(service, port, reason): "service \(service) cannot publish port \(port): \(reason)"
        case let .unknownService(name): "no such service: \(name)"
        case let .stateDirectory(reason): reason
        case let .alreadyRunning(directory):
            "this project is already running; stop it first, or use another project name or --state-dir (state: \(directory))"
        }
    }

    /// The process exit code `up` ends with (see docs/runtime.md).
    public var exitCode: Int32 {
        switch self {
        case .dependencyFailed, .cannotStart: 3
        case .portUnavailable: 4
        case .unknownService: 2
        case .stateDirectory: 5
        case .alreadyRunning: 6
        }
    }
}
