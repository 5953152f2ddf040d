import Foundation
import Glibc
import SlipwayTestSupport
import Testing

/// Every instance starts through `slipway-shim`, found beside `slipway`
/// (docs/architecture.md): without it, `up` says where it looked, exits 3 and
/// starts nothing.
@Suite("up: slipway-shim beside slipway")
struct ShimLocationTests {
    @Test func upWithoutTheShimBesideItExitsThreeNamingWhereItLooked() async throws {
        try await withStack("services:\n  app:\n    command: sleep 1000\n") { stack in
            // A hard link (a copy across file systems), not a symbolic one: slipway finds itself
            // through /proc/self/exe.
            let lone = stack.directory + "/bin/slipway"
            try FileManager.default.createDirectory(atPath: stack.directory + "/bin", withIntermediateDirectories: true)
            if link(TestStack.slipwayBinary, lone) != 0 {
                try FileManager.default.copyItem(atPath: TestStack.slipwayBinary, toPath: lone)
            }
            let errors = stack.directory + "/errors"
            let output = open(errors, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            defer { close(output) }
            let up = try ChildProcess(
                lone, ["-f", stack.composeFile, "--state-dir", stack.stateDirectory, "up"],
                environment: ProcessInfo.processInfo.environment.merging(["SLIPWAY_E2E_RUN": stack.runID]) { $1 },
                stderr: output)
            defer { up.killAndReap() }
            let status = try await up.waitUntilExit(within: .seconds(60))
            let message = try String(contentsOfFile: errors, encoding: .utf8)

            #expect(status == 3, "\(message)")
            #expect(message.contains("cannot find slipway-shim at \(stack.directory)/bin/slipway-shim"), "\(message)")
            #expect(stack.processes().isEmpty, "started: \(stack.processes())")
        }
    }
}
