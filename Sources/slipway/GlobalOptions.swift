import ArgumentParser
import ComposeKit
import Foundation

/// The options docker compose users type before the subcommand; every
/// subcommand includes them so they are accepted after it too.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "Compose file (repeatable; - reads stdin).")
    var files: [String] = []

    @OptionGroup var scope: ProjectScopeOptions

    /// The options the argv pre-pass moves behind the subcommand, with whether each takes a value.
    static let names: [String: Bool] = [
        "-f": true, "--file": true, "-p": true, "--project-name": true, "--profile": true,
        "--env-file": true, "--project-directory": true, "--state-dir": true,
    ]

    func loadOptions(interpolate: Bool = true, requestedServices: [String] = [], requireCommands: Bool = true) -> LoadOptions {
        scope.loadOptions(
            files: files, interpolate: interpolate, requestedServices: requestedServices, requireCommands: requireCommands)
    }
}

/// The global options other than the compose file, shared by `GlobalOptions`
/// and by `logs`, which takes `-f` for `--follow` as docker compose does.
struct ProjectScopeOptions: ParsableArguments {
    @Option(name: [.customShort("p"), .customLong("project-name")], help: "Project name.")
    var projectName: String?

    @Option(name: .customLong("profile"), help: "Enable a profile (repeatable).")
    var profiles: [String] = []

    @Option(name: .customLong("env-file"), help: "Environment file for interpolation (repeatable).")
    var envFiles: [String] = []

    @Option(name: .customLong("project-directory"), help: "Project directory (default: the first file's directory).")
    var projectDirectory: String?

    @Option(
        name: .customLong("state-dir"),
        help: "Where Slipway keeps runtime state (default: $SLIPWAY_STATE_DIR, else $XDG_STATE_HOME/slipway/<project>, else ~/.local/state/slipway/<project>)."
    )
    var stateDirectory: String?

    func loadOptions(
        files: [String], interpolate: Bool = true, requestedServices: [String] = [], requireCommands: Bool = true
    ) -> LoadOptions {
        LoadOptions(
            files: files,
            projectName: projectName,
            projectDirectory: projectDirectory,
            profiles: profiles,
            envFiles: envFiles,
            interpolate: interpolate,
            requestedServices: requestedServices,
            requireCommands: requireCommands
        )
    }
}
