import ArgumentParser
import Foundation
import Glibc

/// What `deploy` and `rollback` benches share: wrk's load, the slipway
/// binary, and a scratch directory per side (`slipway`, `nginx`).
struct SwapBenchOptions: ParsableArguments {
    @Option(help: "wrk connections (keep-alive).")
    var connections = 64

    @Option(help: "The slipway binary, spawned as each instance's shim (default: the one next to slipway-bench).")
    var slipway: String?

    func validate() throws {
        for tool in ["wrk", "nginx"] where ToolPath.find(tool) == nil {
            throw ValidationError("\(tool) not found; install it with apt-get install -y nginx wrk")
        }
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
    }

    var slipwayExecutable: String { slipway ?? SupervisorRSSBenchCommand.siblingSlipway() }

    /// Runs `body` with a fresh directory holding `slipway/` and `nginx/`, removed afterwards.
    func withWorkspace<Result>(_ name: String, _ body: (String) async throws -> Result) async throws -> Result {
        let directory = NSTemporaryDirectory() + "slipway-\(name)-bench-\(getpid())"
        for side in ["slipway", "nginx"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + side, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }
}
