import ComposeKit
import Foundation

/// How `up -d` hands the project it loaded to the background supervisor, so
/// the compose files are read, interpolated and validated once per `up -d`:
/// the CLI writes the loaded model as JSON into the state directory (0600,
/// in the 0700 directory) and names the file on the supervisor's command
/// line; the supervisor decodes it instead of loading the files again.
public enum ProjectHandoff {
    public static func path(_ state: StateDirectory) -> String { "\(state.path)/project.json" }

    /// Writes `project` for the supervisor; returns the file's path.
    public static func write(_ project: Project, in state: StateDirectory) throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(project)
        let path = path(state)
        try StateFile.replace(path, with: Array(data), mode: 0o600)
        return path
    }

    public static func read(_ path: String) throws -> Project {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(Project.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
