import ComposeKit

extension ControlEndpoint {
    /// The endpoint of the project the command line names: `-p` or
    /// `COMPOSE_PROJECT_NAME` without reading any file (so `ps -p demo` works
    /// anywhere, as in docker compose), else the compose files' project name;
    /// the state directory by `--state-dir`, `SLIPWAY_STATE_DIR`, then XDG.
    public static func resolve(_ options: LoadOptions, stateDirectory override: String?) throws(ComposeError) -> ControlEndpoint {
        let project = try projectName(options)
        return ControlEndpoint(
            project: project, stateDirectory: .resolve(project: project, override: override, environment: options.environment))
    }

    private static func projectName(_ options: LoadOptions) throws(ComposeError) -> String {
        if let explicit = options.projectName, !explicit.isEmpty { return try checked(explicit, source: "-p") }
        if let variable = options.environment["COMPOSE_PROJECT_NAME"], !variable.isEmpty {
            return try checked(variable, source: "COMPOSE_PROJECT_NAME")
        }
        var reading = options
        reading.requireCommands = false
        return try ProjectLoader(options: reading).load().project.name
    }

    /// A name given without a compose file must follow the same rules as one
    /// the loader checks: it becomes a directory name, so `../victim` must
    /// never reach the file system.
    private static func checked(_ name: String, source: String) throws(ComposeError) -> String {
        guard ProjectNameRules.isValid(name) else {
            throw ComposeError(diagnostics: [
                ComposeDiagnostic(.error, at: nil, path: "", "\(ProjectNameRules.invalidMessage(name)) (from \(source))"),
            ])
        }
        return name
    }
}
