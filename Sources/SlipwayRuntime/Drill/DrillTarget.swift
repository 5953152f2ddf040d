import ComposeKit
import Foundation
import SlipwayStore

/// The service a drill works on, as it runs when the drill begins: where its
/// load goes, the deployment serving, and that deployment's definition.
struct DrillTarget: Sendable {
    var service: String
    var host: String
    var port: Int
    /// The serving instance (`web-1`, as `ps` names it with the project).
    var instance: InstanceStatus
    var serving: Deployment
    var definition: Service
}
