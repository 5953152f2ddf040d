import ComposeKit

/// An instance's environment cannot be built: an `env_file` is missing or
/// cannot be read.
public enum InstanceEnvironmentError: Error, CustomStringConvertible, Equatable {
    case missingEnvFile(service: String, path: String)
    case unreadableEnvFile(service: String, path: String, reason: String)
    case invalidEnvFile(service: String, path: String, error: DotEnvError)

    public var description: String {
        switch self {
        case let .missingEnvFile(service, path):
            "service \"\(service)\": env file \(path) not found (mark it `required: false` to make it optional)"
        case let .unreadableEnvFile(service, path, reason):
            "service \"\(service)\": cannot read env file \(path): \(reason)"
        case let .invalidEnvFile(service, path, error):
            "service \"\(service)\": env file \(path), \(error)"
        }
    }
}
