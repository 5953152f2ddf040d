import ComposeKit
import SlipwayStore

/// `slipway rollback SERVICE [--to ID]`: an earlier deployment's snapshot
/// replaces the running version through the deploy path (docs/deploy.md).
extension Supervisor {
    public func rollback(
        _ request: RollbackRequest, progress: @escaping @Sendable (DeployProgress) -> Void
    ) async throws -> DeployReport {
        guard !stopping else { throw ControlFailure(kind: .failed, message: "project \(project) is stopping") }
        guard let runner = runners[request.service], let running = services[request.service] else {
            throw ControlFailure.noSuchService(request.service)
        }
        guard let log = (context?.journal as? LoggedDeployments)?.log else {
            throw ControlFailure(kind: .failed, message: "the project's deployment log is not open")
        }
        let serving = await runner.deploymentID
        let target = try Self.rollbackTarget(request, serving: serving, log: log)
        var definition: Service
        do {
            definition = try SnapshotDefinition.service(request.service, project: project, snapshot: target.snapshot)
        } catch {
            throw ControlFailure(kind: .failed, message: "cannot roll back to deployment \(target.id): \(error)")
        }
        definition.dependsOn = running.dependsOn
        progress(DeployProgress(
            service: request.service, step: .rollingBack, elapsedMilliseconds: 0,
            detail: "to deployment \(target.id) (\(target.source.rawValue), \(target.snapshotHash.prefix(19)))"))
        let entry = await runner.rollback(to: definition, progress: progress)
        if entry.outcome == .deployed { services[request.service] = definition }
        return DeployReport(entries: [entry])
    }

    /// The deployment to return to: the named one, or the last one before
    /// the serving version that went live. One that never went live, or the
    /// one serving now, is refused with the reason.
    private static func rollbackTarget(
        _ request: RollbackRequest, serving: Int64?, log: DeploymentLog
    ) throws(ControlFailure) -> Deployment {
        let service = request.service
        do {
            guard let id = request.to else {
                guard let target = try log.lastSuccessfulDeployment(service: service, before: serving) else {
                    throw ControlFailure(kind: .failed, message: "\(service) has no earlier deployment that went live to roll back to")
                }
                return target
            }
            guard let target = try log.deployment(id: id), target.service == service else {
                throw ControlFailure(kind: .failed, message: "\(service) has no deployment \(id) (see `slipway deployments \(service)`)")
            }
            guard id != serving else { throw ControlFailure(kind: .failed, message: "deployment \(id) is the version serving now") }
            guard target.wentLive else {
                throw ControlFailure(
                    kind: .failed,
                    message: "deployment \(id) never went live (\(target.status.rawValue)\(target.reason.map { ": \($0)" } ?? "")); roll back to one that served")
            }
            return target
        } catch let failure as ControlFailure {
            throw failure
        } catch {
            throw ControlFailure(kind: .failed, message: "the deployment log could not be read: \(error)")
        }
    }
}
