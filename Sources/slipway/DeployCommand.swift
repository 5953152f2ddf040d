import ArgumentParser
import Foundation
import SlipwayStore
import SlipwayRuntime

/// `slipway deploy [SERVICE...]`: the running supervisor re-reads the
/// compose files and replaces every service whose definition changed
/// (blue-green behind the proxy; docs/deploy.md).
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy changed services to the running project without downtime.",
        discussion: """
            Exit codes: 0 every named service runs its new version (or was up to date; \
            with --no-wait: the deploys began; with --preview: the new version waits on its \
            preview port), 1 invalid compose files or no supervisor, \
            2 usage error, 3 a deploy failed and the previous version still serves \
            (docs/exit-codes.md).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Deploy even services whose definition did not change.")
    var force = false

    @Flag(name: .customLong("no-wait"), help: "Return once the deploys began, without waiting for them to go live.")
    var noWait = false

    @Flag(help: "Stop before the switch: the new version answers on a preview port until `slipway promote` or `slipway abort`.")
    var preview = false

    @Option(name: .customLong("env"), help: "Set KEY=VAL in the deployed services' environment (repeatable).")
    var environment: [String] = []

    @Argument(help: "Services to deploy (default: all).")
    var services: [String] = []

    func validate() throws {
        if global.files.contains("-") { throw ValidationError("deploy cannot read the compose file from stdin; name a file with -f") }
        _ = try Self.assignments(environment)
        if preview, services.count != 1 { throw ValidationError("--preview takes exactly one SERVICE") }
    }

    func run() async throws {
        let request = DeployRequest(
            services: services, force: force, noWait: noWait, environment: try Self.assignments(environment),
            source: .deploy, preview: preview, project: ProjectSource(options: global.loadOptions(requestedServices: services)))
        let printer = DeployProgressPrinter(environment: ProcessInfo.processInfo.environment)
        let report = try await global.controlClient().deploy(request) { printer.print($0) }
        try printer.finish(report)
    }

    static func assignments(_ pairs: [String]) throws(ValidationError) -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--env expects KEY=VALUE, got \"\(pair)\"")
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}
