import SlipwayRuntime

/// Why a `RunningProject` could not do what a test asked; `description` is
/// the message a test failure shows.
public enum ProjectError: Error, Equatable, CustomStringConvertible {
    /// No `slipway` binary to start the services with.
    case slipwayNotFound(searched: [String])
    /// `slipway-shim`, which starts every service, is not beside that `slipway`.
    case shimNotFound(String)
    /// The compose files cannot be read (every error with file, line, column and key path).
    case invalidCompose(String)
    /// No temporary state directory could be made.
    case stateDirectory(String)
    /// `up` failed; what did start has been stopped again.
    case cannotStart(project: String, reason: String)
    /// A service exited, was stopped or turned unhealthy while waiting for it to be ready.
    case notReady(service: String, reason: String, lastLines: [String])
    /// The deadline passed with these services still not ready.
    case notReadyInTime(after: Duration, waitingFor: [String], lastLines: [String: [String]])
    case noSuchService(String)
    /// The service has no such port, or only exposes it.
    case portNotPublished(service: String, port: Int, protocol: String)
    /// The supervisor did not run the deploy (the files became invalid, the project is stopping).
    case deployRefused(String)
    /// A deploy ran and failed (blue-green leaves the previous version serving, docs/deploy.md).
    case deployFailed([DeployReport.Entry])
    /// `down()` was called already.
    case projectDown(String)
    /// `down()` stopped everything, yet a process of the project still ran at its deadline.
    case processesLeft(project: String, after: Duration)

    public var description: String {
        switch self {
        case .slipwayNotFound(let searched):
            "cannot find the slipway executable (looked for \(searched.joined(separator: ", "))); "
                + "build it with `swift build --product slipway`, or set SLIPWAY or ProjectOptions.slipwayExecutable to its path"
        case .shimNotFound(let message):
            message
        case .invalidCompose(let message):
            message
        case .stateDirectory(let reason):
            "cannot make a state directory: \(reason)"
        case .cannotStart(let project, let reason):
            "project \(project) did not start: \(reason)"
        case .notReady(let service, let reason, let lastLines):
            "service \(service) \(reason)" + Self.quoted([service: lastLines])
        case .notReadyInTime(let after, let waitingFor, let lastLines):
            "not ready after \(after): still waiting for \(waitingFor.joined(separator: ", "))" + Self.quoted(lastLines)
        case .noSuchService(let name):
            "no such service: \(name)"
        case .portNotPublished(let service, let port, let proto):
            "no port \(port)/\(proto) is published for service \(service)"
        case .deployRefused(let message):
            "deploy refused: \(message)"
        case .deployFailed(let entries):
            entries.map { entry in
                "deploy of \(entry.service) failed: \(entry.reason)"
                    + Self.quoted([entry.service: entry.lastLines])
            }.joined(separator: "\n")
        case .projectDown(let project):
            "project \(project) is down"
        case .processesLeft(let project, let after):
            "project \(project): a process still ran \(after) after down had stopped everything"
        }
    }

    /// Each service's last log lines, indented under its name.
    private static func quoted(_ lines: [String: [String]]) -> String {
        lines.keys.sorted().map { service in
            let text = lines[service] ?? []
            guard !text.isEmpty else { return "\n\(service) wrote nothing" }
            return "\nlast lines of \(service):\n" + text.map { "  \($0)" }.joined(separator: "\n")
        }.joined()
    }
}
