/// Where a `HealthMonitor` learns that its instance listens: the
/// supervisor's `ListenWatch`, the instance's private ports, and the root of
/// its process tree (its shim), for naming ports it takes besides them.
public struct ListenTarget: Sendable {
    public var watch: ListenWatch
    public var ports: [Int]
    public var processTree: Int32?

    public init(watch: ListenWatch, ports: [Int], processTree: Int32?) {
        self.watch = watch
        self.ports = ports
        self.processTree = processTree
    }
}
