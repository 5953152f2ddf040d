import Foundation
import Glibc
import SlipwayTestSupport

/// A compose file in its own temporary directory, with its own state directory.
struct TestStack: Sendable {
    let directory: String
    let runID: String
    let composeFile: String

    init(_ compose: String) throws {
        try self.init(composeFile: nil)
        try compose.write(toFile: composeFile, atomically: true, encoding: .utf8)
    }

    /// A stack whose compose file already exists (an example of the repository).
    init(composeFile existing: String?) throws {
        runID = UUID().uuidString
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-e2e-\(runID.prefix(8))").path
        composeFile = existing ?? directory + "/compose.yaml"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    var stateDirectory: String { directory + "/state" }

    /// How a command that ran to its end ended; `status` nil if it did not end in time.
    struct Finished: Sendable {
        var status: Int32?
        var output: String
        var errors: String
    }

    static var slipwayBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("slipway").path
    }

    func start(
        _ arguments: [String] = ["up"], environment: [String: String] = [:], terminal: Bool = false,
        stateDirectory: Bool = true
    ) throws -> SlipwayProcess {
        try SlipwayProcess(self, arguments: arguments, environment: environment, terminal: terminal, stateDirectory: stateDirectory)
    }

    /// Runs a command that ends by itself (`up -d`, `ps`, `down`, …) to its end.
    func run(
        _ arguments: [String], environment: [String: String] = [:], stateDirectory: Bool = true,
        within deadline: Duration = .seconds(90)
    ) async throws -> Finished {
        let process = try start(arguments, environment: environment, stateDirectory: stateDirectory)
        let status = await process.finish(within: deadline)
        return Finished(status: status, output: process.output, errors: process.errors)
    }

    /// Live processes (not zombies) started for this stack.
    func processes() -> [Int32] {
        processesCarrying("SLIPWAY_E2E_RUN=\(runID)")
    }

    func killLeftovers() async {
        for _ in 0..<50 {
            let left = processes()
            if left.isEmpty { break }
            left.forEach { kill($0, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func log(_ service: String) -> String {
        (try? String(contentsOfFile: "\(stateDirectory)/logs/\(service).log", encoding: .utf8)) ?? ""
    }
}
