import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SlipwayKit
import Testing

/// docs/testing.md shows this file: the stack of docs/examples/compose.yaml
/// under a project name of its own, asked over HTTP, deployed with a new
/// greeting, and taken down at the end, also when an expectation throws.
@Suite struct WebStackTests {
    static let composeFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/examples/compose.yaml").path

    @Test func webAnswersOnItsPublishedPortAndADeployChangesWhatItSays() async throws {
        let options = ProjectOptions(files: [Self.composeFile], projectName: "web-\(UUID().uuidString.prefix(8).lowercased())")
        try await withProject(options) { project in
            try await project.waitUntilHealthy(within: .seconds(120))
            let address = try await project.address(of: "web", port: 8000)
            #expect(try await Self.get("http://\(address)/") == "hello")

            try await project.deploy(["web"], environment: ["GREETING": "bonjour"])
            #expect(try await Self.get("http://\(address)/") == "bonjour")
        }
    }

    static func get(_ url: String) async throws -> String {
        let (body, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: body, as: UTF8.self)
    }
}
