import Foundation

/// A drill of the user's own: steps read from a YAML file (`slipway drill FILE.yaml`, docs/drills.md),
/// run against the live project under the same request load as the built-in scenarios.
public struct DrillFile: Sendable, Equatable {
    /// The path as given, which messages and expectation names show.
    public var path: String
    /// `name:`, or the file's name without its extension: the report's `Scenario`.
    public var name: String
    /// `service:`, the one under load and the default of every step; nil leaves it to the command
    /// line, then to the first running service with a published port.
    public var service: String?
    public var steps: [DrillStep]

    public init(path: String, name: String, service: String?, steps: [DrillStep]) {
        self.path = path
        self.name = name
        self.service = service
        self.steps = steps
    }

    /// Reads and checks the file; a mistake is a `DrillFileError` naming its line and key.
    public static func load(path: String) throws(DrillFileError) -> DrillFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DrillFileError(path: path, line: nil, key: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        return try DrillFileParser(path: path).parse(text)
    }
}
