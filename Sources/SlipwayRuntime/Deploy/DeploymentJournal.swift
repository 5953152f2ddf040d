import ComposeKit
import SlipwayStore

/// Where deployments are written: the project's SQLite log
/// (`DeploymentLog`). A write that fails must not stop a deploy that is
/// under way, so none of these throws; the failure is reported instead.
protocol DeploymentJournal: Sendable {
    /// Records a new `pending` deployment (`rollbackOf`: the one a rollback
    /// takes back); nil when it could not be written.
    func begin(_ deployment: DeploymentSnapshot, source: DeploymentSource, previous: Int64?, rollbackOf: Int64?) -> Int64?
    func record(_ id: Int64, status: DeploymentStatus, reason: String?)
    /// A row of the timeline; `healthy` and `switched` steps also stamp their time.
    func note(_ id: Int64, kind: DeploymentEventKind, detail: String)
}

/// A service's resolved definition as the log keeps it, with the digest
/// that tells whether a later deploy changes anything.
struct DeploymentSnapshot: Sendable, Equatable {
    var service: String
    var json: String
    var hash: String

    init(_ service: Service) {
        self.service = service.name
        json = DocumentWriter.json(ProjectRenderer.render(service))
        hash = SnapshotDigest.of(json)
    }
}

/// The journal over the project's `deployments.sqlite`.
struct LoggedDeployments: DeploymentJournal {
    let log: DeploymentLog
    /// Told when a write fails, so the failure reaches the service's progress and log file.
    let warn: @Sendable (String, String) -> Void

    func begin(_ deployment: DeploymentSnapshot, source: DeploymentSource, previous: Int64?, rollbackOf: Int64?) -> Int64? {
        attempt(deployment.service) { () throws(DeploymentLogError) -> Int64 in
            try log.begin(
                service: deployment.service, source: source, snapshot: deployment.json, snapshotHash: deployment.hash,
                from: previous, rollbackOf: rollbackOf
            ).id
        }
    }

    /// `active` goes through `activate`, which in the same transaction moves
    /// the service's other active deployment out (superseded, or rolled back
    /// when this one is its rollback), so the log never shows two live versions.
    func record(_ id: Int64, status: DeploymentStatus, reason: String?) {
        _ = attempt(nil) { () throws(DeploymentLogError) in
            if status == .active { _ = try log.activate(id) } else { try log.transition(id, to: status, reason: reason) }
        }
    }

    func note(_ id: Int64, kind: DeploymentEventKind, detail: String) {
        _ = attempt(nil) { () throws(DeploymentLogError) in
            switch kind {
            case .health where detail == "ready": _ = try log.recordHealthy(id)
            case .proxySwitch: _ = try log.recordSwitch(id, detail: detail)
            default: _ = try log.record(kind, detail: detail, for: id)
            }
        }
    }

    private func attempt<Value>(_ service: String?, _ write: () throws(DeploymentLogError) -> Value) -> Value? {
        do {
            return try write()
        } catch {
            warn(service ?? "", "the deployment log could not be written: \(error)")
            return nil
        }
    }
}
