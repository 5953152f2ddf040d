import ComposeKit
import SlipwayProxy

/// A deploy stopped before its switch (`deploy --preview`): green runs and
/// answers on `address`; blue keeps the service's traffic until `promote`.
struct PreviewedDeploy: Sendable {
    var green: ServiceInstance
    var blue: ServiceInstance
    var next: Service
    var plan: DeployPlan
    var run: DeploymentRun
    var address: String

    struct NoPrivatePort: Error, CustomStringConvertible {
        var target: Int
        var description: String { "the new instance has no private port for \(target)" }
    }

    /// The preview listener's key: a name of its own, so it never meets the service's listeners.
    static func listenerKey(service: String, target: Int) -> ListenerKey {
        ListenerKey(service: service + "-preview", containerPort: target)
    }

    var listenerKey: ListenerKey {
        Self.listenerKey(service: next.name, target: next.containerPorts.first ?? 0)
    }
}
