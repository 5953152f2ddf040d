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
        if let explicit = options.projectName, !explicit.isEmpty { return explicit }
        if let variable = options.environment["COMPOSE_PROJECT_NAME"], !variable.isEmpty { return variable }
        var reading = options
        reading.requireCommands = false
        return try ProjectLoader(options: reading).load().project.name
    }
}
