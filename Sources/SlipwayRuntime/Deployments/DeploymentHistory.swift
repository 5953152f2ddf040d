import SlipwayStore

/// Reads a project's deployment log for `slipway deployments`, with no
/// supervisor needed: the file is opened, never created, so asking leaves no
/// empty history behind.
public struct DeploymentHistory: Sendable {
    public let stateDirectory: StateDirectory

    public init(stateDirectory: StateDirectory) {
        self.stateDirectory = stateDirectory
    }

    public var path: String { stateDirectory.deploymentLogPath }

    /// Newest first; every service when `service` is nil.
    public func deployments(service: String? = nil, limit: Int? = nil) throws(DeploymentHistoryError) -> [Deployment] {
        try withLog { log throws(DeploymentLogError) in try log.deployments(service: service, limit: limit) }
    }

    /// One deployment with its timeline, oldest event first.
    public func timeline(of id: Int64) throws(DeploymentHistoryError) -> (deployment: Deployment, events: [DeploymentEvent]) {
        let found = try withLog { log throws(DeploymentLogError) -> (Deployment, [DeploymentEvent])? in
            guard let deployment = try log.deployment(id: id) else { return nil }
            return (deployment, try log.events(of: id))
        }
        guard let found else { throw .unknownDeployment(id: id, path: path) }
        return (found.0, found.1)
    }

    private func withLog<Value>(_ read: (DeploymentLog) throws(DeploymentLogError) -> Value) throws(DeploymentHistoryError) -> Value {
        do {
            return try read(try DeploymentLog.openExisting(path: path))
        } catch .missing {
            throw .noHistory(path: path)
        } catch {
            throw .unreadable(error)
        }
    }
}

public enum DeploymentHistoryError: Error, Equatable, CustomStringConvertible {
    /// The project has no log file: nothing was ever deployed with this state directory.
    case noHistory(path: String)
    case unknownDeployment(id: Int64, path: String)
    /// The file exists but cannot be read (damaged, from a newer Slipway, not ours, no permission).
    case unreadable(DeploymentLogError)

    public var description: String {
        switch self {
        case .noHistory(let path):
            "no deployments recorded yet: \(path) does not exist (`slipway up` records each service's first deployment)"
        case .unknownDeployment(let id, let path):
            "there is no deployment with id \(id) in \(path) (`slipway deployments` lists them)"
        case .unreadable(let error):
            error.description
        }
    }
}
