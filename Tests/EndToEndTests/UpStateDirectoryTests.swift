import Foundation
import Glibc
import Testing

/// `up`'s state-directory failures and what `up --help` tells about them.
@Suite struct UpStateDirectoryTests {
    @Test(.enabled(if: geteuid() == 0, "switching user needs root"))
    func aStateDirectoryAUserServiceCannotReachExitsWithTheStateDirectoryCodeAndMakesNothing() async throws {
        try await withStack("""
            services:
              who:
                command: id -u
                user: nobody
            """) { stack in
            let locked = stack.directory + "/locked"
            try FileManager.default.createDirectory(
                atPath: locked, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let state = locked + "/state"
            let up = try await stack.run(["up", "--state-dir", state], stateDirectory: false)

            #expect(up.status == 5, "\(up.errors)")
            #expect(up.errors.contains("user nobody of service who cannot reach"), "\(up.errors)")
            for part in ["logs", "processes", "data"] {
                #expect(!FileManager.default.fileExists(atPath: state + "/" + part), "\(part) was made")
            }
        }
    }

    @Test func upHelpListsEveryExitCodeAndTheStateDirectoryDefault() async throws {
        try await withStack("services: {app: {command: 'true'}}\n") { stack in
            let help = try await stack.run(["up", "--help"], stateDirectory: false)
            let text = help.output.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")

            #expect(help.status == 0)
            for code in [0, 1, 2, 3, 4, 5, 6, 7, 8, 130] {
                #expect(text.contains(" \(code) "), "exit code \(code) is not listed")
            }
            #expect(text.contains("--state-dir"))
            #expect(text.contains("~/.local/state/slipway/<project>"), "\(help.output)")
        }
    }
}
