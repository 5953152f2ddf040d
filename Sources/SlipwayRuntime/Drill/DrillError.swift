import SlipwayStore

/// Why a drill could not run at all (as opposed to running and failing an expectation).
public enum DrillError: Error, Equatable, CustomStringConvertible {
    /// No service was named and none of the project's running services publishes a port.
    case nothingToDrill(project: String)
    /// The named service runs no instance with a published port to send the load through.
    case noPublishedPort(service: String)
    /// The log has no deployment of the service serving now.
    case noServingDeployment(service: String)
    /// The serving deployment's snapshot cannot be read back as a definition.
    case unreadableSnapshot(deployment: Int64, reason: String)
    case control(ControlClientError)
    case log(DeploymentLogError)

    public var description: String {
        switch self {
        case .nothingToDrill(let project):
            "no running service of project \(project) publishes a port; a drill sends its load through one (`ports:` in the compose file)"
        case .noPublishedPort(let service):
            "\(service) has no running instance with a published port; a drill sends its load through one"
        case .noServingDeployment(let service):
            "the deployment log has no deployment of \(service) serving now; bring the project up with `slipway up -d`"
        case .unreadableSnapshot(let deployment, let reason):
            "the snapshot of deployment \(deployment) cannot be read back: \(reason)"
        case .control(let error): "\(error)"
        case .log(let error): error.description
        }
    }
}
