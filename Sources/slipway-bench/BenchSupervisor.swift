import ComposeKit
import Foundation
import SlipwayRuntime

/// A real supervisor for a bench side, in this process as the tests run it:
/// brought up from `file`, handed to `body`, stopped however `body` ends.
enum BenchSupervisor {
    static func run<Result>(
        file: String, directory: String, slipway: String, _ body: (Supervisor, LoadOptions) async throws -> Result
    ) async throws -> Result {
        let options = LoadOptions(files: [file], workingDirectory: directory)
        let supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: try ProjectLoader(options: options).load().project, stateDirectory: StateDirectory(path: directory + "/state"),
            shimExecutable: try ShimExecutable.beside(slipway), terminal: nil, environment: ProcessInfo.processInfo.environment))
        let drainEvents = Task { for await _ in supervisor.events {} }
        defer { drainEvents.cancel() }
        do {
            try await supervisor.up()
            let result = try await body(supervisor, options)
            await supervisor.stop()
            return result
        } catch {
            await supervisor.stop()
            throw error
        }
    }
}
