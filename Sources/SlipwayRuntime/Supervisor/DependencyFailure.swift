import SlipwayShim
/// A dependency that failed its dependent's `depends_on` condition.
public struct DependencyFailure: Sendable, Equatable, CustomStringConvertible {
    public var dependency: String
    public var dependent: String
    /// What happened, e.g. `exited with exit code 1`, `is unhealthy: HTTP 503`.
    public var reason: String
    public var exitStatus: ExitStatus?
    /// The dependency's last log lines.
    public var lastLines: [String]

    public var description: String {
        var text = "dependency \(dependency) of \(dependent) failed: \(dependency) \(reason)"
        if !lastLines.isEmpty {
            text += "\nlast lines of \(dependency):\n" + lastLines.map { "  \($0)" }.joined(separator: "\n")
        }
        return text
    }
}
