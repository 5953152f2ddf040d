import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SlipwayKit
import XCTest

/// docs/testing.md shows this file: the same stack as an XCTest fixture,
/// started in setUp and taken down in tearDown, which XCTest runs after a
/// failed assertion or a thrown error too.
final class WebStackXCTests: XCTestCase {
    static let composeFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/examples/compose.yaml").path

    private var project: RunningProject?

    override func setUp() async throws {
        let options = ProjectOptions(files: [Self.composeFile], projectName: "web-\(UUID().uuidString.prefix(8).lowercased())")
        let project = try await RunningProject.start(options)
        self.project = project
        try await project.waitUntilHealthy(within: .seconds(120))
    }

    override func tearDown() async throws {
        try await project?.down()
    }

    func testWebAnswersOnItsPublishedPort() async throws {
        let address = try await XCTUnwrap(project).address(of: "web", port: 8000)
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://\(address)/")!)
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "hello")
    }
}
