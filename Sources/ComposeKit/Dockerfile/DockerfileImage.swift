/// What the stage a `build:` service runs leaves in its image config, as
/// Docker would record it: the defaults a container of it starts with.
public struct DockerfileImage: Sendable, Equatable {
    /// Container path of the last `WORKDIR`; `/` when none.
    public var workingDir: String = "/"
    /// Container path the build context was copied to (`COPY . <dest>`), nil when it never was.
    public var contextDestination: String?
    public var environment: [String: String] = [:]
    public var exposedPorts: [ExposedPort] = []
    public var entrypoint: CommandLine?
    public var command: CommandLine?
    /// With Docker's defaults for the timings a `HEALTHCHECK` leaves out.
    public var healthcheck: Healthcheck?
    public var user: String?
    public var stopSignal: String?
    /// `SHELL`: what runs the shell forms; `/bin/sh -c` by default.
    public var shell: [String] = DockerfileImage.defaultShell
    /// Lines of the `RUN` instructions of this stage and the stages it is built on.
    public var runLines: [Int] = []

    public static let defaultShell = ["/bin/sh", "-c"]

    public init() {}

    /// The container path that maps to `containerPath`'s place in the build
    /// context, relative to it; nil when the path is outside what the context became.
    public func contextRelativePath(of containerPath: String) -> String? {
        let root = contextDestination ?? workingDir
        if containerPath == root { return "" }
        let prefix = root == "/" ? "/" : root + "/"
        return containerPath.hasPrefix(prefix) ? String(containerPath.dropFirst(prefix.count)) : nil
    }
}

/// An `EXPOSE`d container port.
public struct ExposedPort: Sendable, Equatable {
    public var port: Int
    public var `protocol`: String

    public init(port: Int, protocol: String = "tcp") {
        self.port = port
        self.protocol = `protocol`
    }
}
