/// Where a `HealthMonitor` learns that its instance listens: the
/// supervisor's `ListenWatch`, the instance's private ports, and the root of
/// its process tree (its shim), for naming ports it takes besides them.
public struct ListenTarget: Sendable {
    public var watch: ListenWatch
    public var ports: [Int]
    public var processTree: Int32?
    /// What must be done once a port listens before the probe that it
    /// triggers may run: a check in the instance's own network namespace
    /// reaches the port through a socket that starts listening only then.
    public var prepare: (@Sendable (Int) async -> Void)?

    public init(watch: ListenWatch, ports: [Int], processTree: Int32?, prepare: (@Sendable (Int) async -> Void)? = nil) {
        self.watch = watch
        self.ports = ports
        self.processTree = processTree
        self.prepare = prepare
    }
}
