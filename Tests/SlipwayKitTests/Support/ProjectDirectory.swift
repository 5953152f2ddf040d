import Foundation
import SlipwayTestSupport

/// A compose file (and the version server it may run) in a fresh temporary
/// directory, with a marker every service inherits so that a test can find
/// each process the project started.
struct ProjectDirectory: Sendable {
    let path: String
    let runID = UUID().uuidString

    /// `@DIR@` in `compose` stands for the directory's path.
    init(_ compose: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-kit-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try compose.replacingOccurrences(of: "@DIR@", with: path).write(toFile: composeFile, atomically: true, encoding: .utf8)
        try VersionServer.source.write(toFile: path + "/" + VersionServer.fileName, atomically: true, encoding: .utf8)
    }

    var composeFile: String { path + "/compose.yaml" }

    /// A project name no other test uses, so projects of parallel tests never meet.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// For `ProjectOptions.environment`: marks the services of this directory.
    var environment: [String: String] { ["SLIPWAY_KIT_TEST": runID] }

    /// Live processes (zombies count as gone) that carry the marker: every
    /// service and whatever it started.
    func markedProcesses() -> [Int32] {
        processesCarrying("SLIPWAY_KIT_TEST=\(runID)")
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The body of a `GET /` to `HOST:PORT`, nil when the request failed or did not answer 200.
func body(at address: String) async -> String? {
    guard let port = address.split(separator: ":").last.flatMap({ Int($0) }),
          let response = await LoopbackHTTP.get(port: port), response.contains(" 200 ")
    else { return nil }
    return response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
}
