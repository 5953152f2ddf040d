import ComposeKit
import SlipwayStore

/// After a supervisor died in the middle of a deploy, the version the log
/// calls active is the one that served last, not the one the files describe
/// now (which was being deployed): `up` brings that one back, and says so
/// in the service's log.
extension Supervisor {
    func restoreLastActive(
        _ service: Service, interrupted: [Deployment], log: DeploymentLog
    ) -> (service: Service, note: String?) {
        guard interrupted.contains(where: { $0.service == service.name }),
              let active = try? log.activeDeployment(service: service.name),
              active.snapshotHash != DeploymentSnapshot(service).hash
        else { return (service, nil) }
        do {
            var restored = try SnapshotDefinition.service(service.name, project: project, snapshot: active.snapshot)
            guard restored.containerPorts == service.containerPorts else {
                return (service, "runs the files' version: deployment \(active.id), the last active one, has other container ports")
            }
            restored.dependsOn = service.dependsOn
            return (restored, "runs deployment \(active.id), the last active one; the files' version was being deployed when the earlier supervisor ended (`slipway deploy \(service.name)` tries again)")
        } catch {
            return (service, "runs the files' version: deployment \(active.id), the last active one, cannot be restored: \(error)")
        }
    }
}
