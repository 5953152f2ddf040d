/// How `RunningProject.start` runs a project: the `slipway up` options a
/// test needs.
public struct ProjectOptions: Sendable {
    /// The compose files (`-f`), relative to the current directory; empty
    /// finds `compose.yaml` there, as `slipway` does.
    public var files: [String]
    /// `-p`; nil takes the files' `name:`, else their directory's name. Two
    /// copies of one project running at once need names of their own.
    public var projectName: String?
    /// `--state-dir`: logs, control socket, deployment log. nil gives the
    /// project a fresh temporary directory, which `down()` removes.
    public var stateDirectory: String?
    /// Added to this process's environment, for `${VAR}` in the files and
    /// for every service's inherited environment.
    public var environment: [String: String]
    /// The services to start (their dependencies come along); empty: all.
    public var services: [String]
    /// The `slipway` binary that starts each service (its hidden shim mode);
    /// nil looks at `SLIPWAY`, then beside the running test binary, then `PATH`.
    public var slipwayExecutable: String?

    public init(
        files: [String] = [], projectName: String? = nil, stateDirectory: String? = nil,
        environment: [String: String] = [:], services: [String] = [], slipwayExecutable: String? = nil
    ) {
        self.files = files
        self.projectName = projectName
        self.stateDirectory = stateDirectory
        self.environment = environment
        self.services = services
        self.slipwayExecutable = slipwayExecutable
    }
}
