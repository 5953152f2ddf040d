/// One problem found while loading a project, written for the person who wrote the file.
public struct ComposeDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error
        case warning
    }

    public var severity: Severity
    /// nil for problems that belong to no file (a missing file, a bad `-p`).
    public var position: SourcePosition?
    /// Dotted key path (`services.web.healthcheck.interval`); empty when the problem concerns no key.
    public var path: String
    public var message: String

    public init(_ severity: Severity, at position: SourcePosition?, path: String, _ message: String) {
        self.severity = severity
        self.position = position
        self.path = path
        self.message = message
    }

    /// `file:line:column: key.path: message`, leaving out the parts that are unknown;
    /// warnings start with `warning: ` so they never read as errors.
    public var description: String {
        var parts: [String] = severity == .warning ? ["warning"] : []
        if let position { parts.append(position.description) }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
