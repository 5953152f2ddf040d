import SlipwayShim
/// How an instance ended.
public struct InstanceEnding: Sendable, Equatable {
    public var status: ExitStatus
    /// The shim died without reporting (killed from outside): the service's
    /// processes may still be running and nobody is watching them.
    public var shimLost: Bool
}
