import Foundation

/// Finds the compose files of a project as docker compose does: `-f`, else
/// `COMPOSE_FILE`, else `compose.yaml` (and its siblings) in the working
/// directory or the nearest parent, plus `compose.override.yaml` beside it.
struct ComposeFileLocator {
    static let defaultNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]
    static let overrideNames = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"]

    let workingDirectory: String
    let environment: [String: String]

    struct NotFound: Error {
        var message: String
    }

    func locate(_ explicitFiles: [String]) throws(NotFound) -> [String] {
        if !explicitFiles.isEmpty { return explicitFiles.map(absolute) }
        if let list = environment["COMPOSE_FILE"], !list.isEmpty {
            let separator = environment["COMPOSE_PATH_SEPARATOR"].flatMap(\.first) ?? ":"
            return list.split(separator: separator).map { absolute(String($0)) }
        }
        var directory = PathResolver.normalize(workingDirectory)
        while true {
            if let main = firstExisting(Self.defaultNames, in: directory) {
                return [main] + [firstExisting(Self.overrideNames, in: directory)].compactMap { $0 }
            }
            if directory == "/" { break }
            directory = PathResolver.directory(of: directory)
        }
        throw NotFound(message: "no compose file found in \(workingDirectory) or any parent directory (looked for \(Self.defaultNames.joined(separator: ", "))); name one with -f")
    }

    private func absolute(_ path: String) -> String {
        path == "-" ? "-" : PathResolver.absolute(path, relativeTo: workingDirectory)
    }

    private func firstExisting(_ names: [String], in directory: String) -> String? {
        names.lazy.map { directory == "/" ? "/\($0)" : "\(directory)/\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
