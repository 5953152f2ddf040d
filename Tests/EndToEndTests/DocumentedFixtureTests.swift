import Foundation
import Glibc
import Testing

/// The pytest fixture of docs/testing.md, run as the page prints it against
/// the page's compose file: with plain python3 always, with pytest when it
/// is installed.
@Suite("docs/testing.md fixture")
struct DocumentedFixtureTests {
    static let page = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/testing.md").path

    static var pytestInstalled: Bool {
        (try? run(["python3", "-c", "import pytest"], in: "/tmp", environment: [:]))?.status == 0
    }

    @Test func theExampleRunsWithPlainPython() async throws {
        try await withExample { stack, environment in
            let result = try Self.run(["python3", "test_stack.py"], in: stack.directory, environment: environment)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("passed"), "\(result.output)")
        }
    }

    @Test(.enabled(if: pytestInstalled, "pytest is not installed"))
    func theExampleRunsAsAPytestFixture() async throws {
        try await withExample { stack, environment in
            let result = try Self.run(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_stack.py"], in: stack.directory, environment: environment)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("1 passed"), "\(result.output)")
        }
    }

    /// The page's yaml and python blocks written next to each other, run
    /// with this build's slipway and a state directory of the stack's own;
    /// afterwards no process of the run may be left.
    private func withExample(_ body: (TestStack, [String: String]) async throws -> Void) async throws {
        let page = try String(contentsOfFile: Self.page, encoding: .utf8)
        let compose = try #require(Self.block("yaml", after: "`compose.yaml`:", in: page), "docs/testing.md shows compose.yaml")
        let script = try #require(Self.block("python", after: "`test_stack.py`:", in: page), "docs/testing.md shows test_stack.py")
        try await withStack(compose) { stack in
            try script.write(toFile: stack.directory + "/test_stack.py", atomically: true, encoding: .utf8)
            let environment = [
                "SLIPWAY": TestStack.slipwayBinary, "XDG_STATE_HOME": stack.directory + "/xdg",
                "SLIPWAY_E2E_RUN": stack.runID,
            ]
            try await body(stack, environment)
            #expect(stack.processes().isEmpty, "the fixture's down left nothing running")
        }
    }

    /// The fenced block of `language` right after the line `title`.
    static func block(_ language: String, after title: String, in page: String) -> String? {
        guard let open = page.range(of: "\(title)\n\n```\(language)\n"),
              let close = page.range(of: "\n```", range: open.upperBound..<page.endIndex)
        else { return nil }
        return String(page[open.upperBound..<close.lowerBound]) + "\n"
    }

    private static func run(_ arguments: [String], in directory: String, environment extra: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-doc-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try process.waitUntilExit(within: .seconds(300))
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
