import ComposeKit

/// How to run a project.
public struct SupervisorConfiguration: Sendable {
    public var project: Project
    /// Services named on the command line; empty means all. Their
    /// dependencies always come along.
    public var services: [String]
    public var stateDirectory: StateDirectory
    /// The `slipway` binary that provides the hidden `__shim` mode.
    public var shimExecutable: String
    /// Where service output is shown; nil keeps it to the log files.
    public var terminal: TerminalOutput?
    /// The supervisor's environment, which services inherit.
    public var environment: [String: String]

    public init(
        project: Project, services: [String] = [], stateDirectory: StateDirectory, shimExecutable: String,
        terminal: TerminalOutput?, environment: [String: String]
    ) {
        self.project = project
        self.services = services
        self.stateDirectory = stateDirectory
        self.shimExecutable = shimExecutable
        self.terminal = terminal
        self.environment = environment
    }
}
