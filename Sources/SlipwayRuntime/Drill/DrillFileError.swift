/// A drill file that cannot be read or does not say what a drill file says (docs/drills.md).
public struct DrillFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    /// Where in the file, as `steps[2].wait.timeout`.
    public var key: String?
    public var message: String

    public init(path: String, line: Int?, key: String?, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    /// `drill.yaml:7: steps[2].wait: expected a duration such as 2s, got "soon"`, as the compose loader words its own.
    public var description: String {
        [line.map { "\(path):\($0)" } ?? path, key, message].compactMap { $0 }.joined(separator: ": ")
    }
}
