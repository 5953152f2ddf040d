/// Where a project's supervisor listens: `control.sock` in its state
/// directory, next to the `supervisor.lock` that keeps it unique.
public struct ControlEndpoint: Sendable, Equatable {
    /// The longest path a Unix socket address holds on Linux (`sun_path` less its terminator).
    public static let maximumSocketPathLength = 107

    public var project: String
    public var stateDirectory: StateDirectory

    public init(project: String, stateDirectory: StateDirectory) {
        self.project = project
        self.stateDirectory = stateDirectory
    }

    public var socketPath: String { "\(stateDirectory.path)/control.sock" }
    public var lockPath: String { "\(stateDirectory.path)/supervisor.lock" }

    var socketPathFits: Bool { socketPath.utf8.count <= Self.maximumSocketPathLength }
}
