import Foundation
import Glibc
import SlipwayTestSupport
import Testing

/// The pytest fixture docs/testing.md prints, docs/examples/test_stack.py,
/// run by pytest as a user would run it, against docs/examples/compose.yaml
/// and this build's slipway.
@Suite("docs/testing.md pytest fixture")
struct DocumentedFixtureTests {
    static let examples = DocumentedFile.repository + "/docs/examples"

    /// The first Python that imports pytest: the one on `PATH`, then Debian's
    /// (`python3-pytest`, which .ci/run installs).
    static let pythonWithPytest = Task<String?, Never> {
        for python in ["python3", "/usr/bin/python3"] where (try? await run([python, "-c", "import pytest"], in: "/tmp", environment: [:]))?.status == 0 {
            return python
        }
        return nil
    }

    @Test func thePageShowsTheFixtureAndItsComposeFileAsTheyAre() throws {
        for (file, language) in [("docs/examples/test_stack.py", "python"), ("docs/examples/compose.yaml", "yaml")] {
            let shown = try DocumentedFile.shown(file, language: language, on: "docs/testing.md")
            #expect(shown == (try DocumentedFile.contents(file)), "docs/testing.md shows \(file) as it is")
        }
    }

    /// Afterwards no process of the run may be left: the fixture's `down` ended them.
    @Test(.enabled("pytest is not installed (Debian: python3-pytest)") { await pythonWithPytest.value != nil })
    func theFixtureRunsUnderPytest() async throws {
        let python = try #require(await Self.pythonWithPytest.value)
        let stack = try TestStack(composeFile: Self.examples + "/compose.yaml")
        let environment = [
            "SLIPWAY": TestStack.slipwayBinary, "XDG_STATE_HOME": stack.directory + "/xdg", "SLIPWAY_E2E_RUN": stack.runID,
            // Nothing written into the checkout: no __pycache__ (and no .pytest_cache, below).
            "PYTHONDONTWRITEBYTECODE": "1",
        ]
        let result: (status: Int32, output: String)
        do {
            result = try await Self.run(
                [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", Self.examples + "/test_stack.py"],
                in: stack.directory, environment: environment)
        } catch {
            await stack.killLeftovers()
            throw error
        }
        let left = stack.processes()
        await stack.killLeftovers()
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("1 passed"), "\(result.output)")
        #expect(left.isEmpty, "the fixture's down left nothing running")
    }

    private static func run(_ arguments: [String], in directory: String, environment extra: [String: String]) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-doc-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let file = open(output, O_WRONLY | O_CLOEXEC)
        defer { if file >= 0 { close(file) } }
        let process = try ChildProcess(
            "/usr/bin/env", arguments, environment: ProcessInfo.processInfo.environment.merging(extra) { $1 },
            directory: directory, stdout: file, stderr: file)
        let status = try await process.waitUntilExit(within: .seconds(300))
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
