import Foundation

/// What the command line says about where the project is and how to read it.
public struct LoadOptions: Sendable {
    /// `-f` values, `-` for stdin; empty means discovery (`COMPOSE_FILE`, then the default names).
    public var files: [String]
    /// `-p`.
    public var projectName: String?
    /// `--project-directory`.
    public var projectDirectory: String?
    /// `--profile`.
    public var profiles: [String]
    /// `--env-file`; empty means `.env` in the project directory.
    public var envFiles: [String]
    /// The process environment.
    public var environment: [String: String]
    /// Where discovery starts and relative `-f` paths resolve.
    public var workingDirectory: String
    /// false for `--no-interpolate`.
    public var interpolate: Bool
    /// Services named on the command line; naming one enables its profiles.
    public var requestedServices: [String]
    /// true at `up` (a service without a command, or a `build:` service whose
    /// Dockerfile cannot be found, is an error), false at `config` (a warning).
    public var requireCommands: Bool
    /// Read when a file is `-`; defaults to the process's standard input.
    public var standardInput: @Sendable () -> String

    public init(
        files: [String] = [],
        projectName: String? = nil,
        projectDirectory: String? = nil,
        profiles: [String] = [],
        envFiles: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        interpolate: Bool = true,
        requestedServices: [String] = [],
        requireCommands: Bool = true,
        standardInput: @escaping @Sendable () -> String = LoadOptions.readStandardInput
    ) {
        self.files = files
        self.projectName = projectName
        self.projectDirectory = projectDirectory
        self.profiles = profiles
        self.envFiles = envFiles
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.interpolate = interpolate
        self.requestedServices = requestedServices
        self.requireCommands = requireCommands
        self.standardInput = standardInput
    }

    @Sendable public static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}
