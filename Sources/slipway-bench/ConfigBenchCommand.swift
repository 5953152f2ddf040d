import ArgumentParser
import Foundation

/// `slipway-bench config`: `slipway config -q` on a generated project of many
/// services that use interpolation and `extends`, timed, with the child's peak RSS.
struct ConfigBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Time `slipway config -q` on a generated 1,000-service project (interpolation + extends)."
    )

    @Option(help: "Number of services to generate.")
    var services = 1000

    @Option(help: "Number of timed runs (after one warm-up run).")
    var runs = 5

    func run() throws {
        let project = try ConfigBenchProject(services: services)
        defer { project.remove() }
        let slipway = ConfigBenchProcess.sibling("slipway")
        let arguments = ["-f", project.composeFile, "config", "-q"]
        let environment = ["DB_PASSWORD": "bench-secret"]
        _ = try ConfigBenchProcess.run(slipway, arguments, environment: environment)
        var samples: [ConfigBenchProcess.Sample] = []
        for _ in 0..<runs {
            samples.append(try ConfigBenchProcess.run(slipway, arguments, environment: environment))
        }
        print(ConfigBenchReport(services: services, fileBytes: project.totalBytes, samples: samples, command: "slipway " + arguments.joined(separator: " ")).text)
    }
}
