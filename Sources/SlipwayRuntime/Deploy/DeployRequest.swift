import ComposeKit
import Foundation
import SlipwayStore

/// Where a deploy reads the project from: the options of the command that
/// asked, so the supervisor loads the files once, as the user's shell sees them.
public struct ProjectSource: Sendable, Codable, Equatable {
    public var files: [String]
    public var projectName: String?
    public var projectDirectory: String?
    public var profiles: [String]
    public var envFiles: [String]
    public var environment: [String: String]
    public var workingDirectory: String

    public init(options: LoadOptions) {
        files = options.files
        projectName = options.projectName
        projectDirectory = options.projectDirectory
        profiles = options.profiles
        envFiles = options.envFiles
        environment = options.environment
        workingDirectory = options.workingDirectory
    }

    func loadOptions(services: [String]) -> LoadOptions {
        LoadOptions(
            files: files, projectName: projectName, projectDirectory: projectDirectory, profiles: profiles,
            envFiles: envFiles, environment: environment, workingDirectory: workingDirectory,
            requestedServices: services)
    }
}

/// `slipway deploy` and `up -d` on a running project.
public struct DeployRequest: Sendable, Codable, Equatable {
    /// Empty: every service of the project.
    public var services: [String]
    /// Deploy even a service whose definition did not change.
    public var force: Bool
    /// Answer once the deployments began instead of once they went live.
    public var noWait: Bool
    /// `--env KEY=VAL`: set in the deployed services' environment.
    public var environment: [String: String]
    public var source: DeploymentSource
    /// `up -d`: services gone from the files are stopped (otherwise only reported).
    public var removeOrphans: Bool
    /// `--preview`: stop before the switch, the new instance on a preview port.
    public var preview: Bool
    public var project: ProjectSource

    public init(
        services: [String], force: Bool = false, noWait: Bool = false, environment: [String: String] = [:],
        source: DeploymentSource = .deploy, removeOrphans: Bool = false, preview: Bool = false, project: ProjectSource
    ) {
        self.preview = preview
        self.services = services
        self.force = force
        self.noWait = noWait
        self.environment = environment
        self.source = source
        self.removeOrphans = removeOrphans
        self.project = project
    }
}
