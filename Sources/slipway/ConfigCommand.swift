import ArgumentParser
import ComposeKit

/// `slipway config`: validate the project and print it normalized.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the compose files and print the normalized project."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml
        case json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format.")
    var format: Format = .yaml

    @Flag(help: "Print the service names, one per line.")
    var services = false

    @Flag(help: "Print the profile names, one per line.")
    var profiles = false

    @Flag(name: .shortAndLong, help: "Only validate; print nothing.")
    var quiet = false

    @Flag(name: .customLong("no-interpolate"), help: "Do not interpolate variables.")
    var noInterpolate = false

    @Argument(help: "Show only these services (and what they depend on).")
    var serviceNames: [String] = []

    func run() throws {
        let options = global.loadOptions(interpolate: !noInterpolate, requestedServices: serviceNames, requireCommands: false)
        let loaded = try ProjectLoader(options: options).load()
        for warning in loaded.warnings {
            FailureReport.write(warning.description)
        }
        if quiet { return }
        var project = loaded.project
        if !serviceNames.isEmpty {
            // `config web` shows `web` and what it depends on, as compose does.
            let selected = DependencyGraph(project: project).closure(of: serviceNames)
            project.services = project.services.filter { selected.contains($0.key) }
        }
        if services {
            project.services.keys.sorted().forEach { print($0) }
        } else if profiles {
            let all = (project.services.values.flatMap(\.profiles) + project.disabledServices.values.flatMap(\.profiles))
            Set(all).sorted().forEach { print($0) }
        } else {
            let document = ProjectRenderer.render(project)
            print(format == .json ? DocumentWriter.json(document) : DocumentWriter.yaml(document), terminator: "")
        }
    }
}
