import Glibc
import SlipwayShim

/// What the supervisor asks a shim to run.
public struct InstanceLaunchRequest: Sendable {
    /// The `slipway` binary that provides `__shim` (and `__exec-as`, `__exec-ns`).
    public var shimExecutable: String
    /// Absolute path of the service's program.
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Switch to this user (only meaningful when the supervisor is root).
    public var user: String?
    public var stopSignal: Int32
    public var stopGracePeriod: Duration
    /// The file the instance sees as `/etc/hosts`, or nil.
    public var hostsFile: String?

    public init(
        shimExecutable: String, executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String? = nil, user: String? = nil, stopSignal: Int32 = SIGTERM,
        stopGracePeriod: Duration = .seconds(10), hostsFile: String? = nil
    ) {
        self.hostsFile = hostsFile
        self.shimExecutable = shimExecutable
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.stopSignal = stopSignal
        self.stopGracePeriod = stopGracePeriod
    }

    var spec: ShimSpec {
        var program = executable
        var argv = arguments
        if let user {
            program = shimExecutable
            argv = [shimExecutable, "__exec-as", user, executable] + arguments
        }
        // The shim enters the namespace before the spawn, as root: the user switch comes after the mount.
        return ShimSpec(
            executable: program,
            arguments: argv,
            environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: workingDirectory,
            stopSignal: stopSignal,
            stopGraceMilliseconds: Int(stopGracePeriod.components.seconds * 1000
                + stopGracePeriod.components.attoseconds / 1_000_000_000_000_000),
            hostsFile: hostsFile
        )
    }
}
