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
    /// Deploy the definition each named service runs now, not the files'
    /// (`slipway drill` redeploys what serves, whatever the files say since).
    public var redeploysRunning: Bool
    /// Slipway makes the new instance's health fail, with this reason, so
    /// the deploy is refused before the switch as for any unhealthy version
    /// (`slipway drill bad-release`: a bad release of any service, without its cooperation).
    public var forcedHealthFailure: String?
    /// Replaces the deployed services' `command` (a drill file's `deploy` step).
    public var command: CommandLine?
    public var project: ProjectSource

    public init(
        services: [String], force: Bool = false, noWait: Bool = false, environment: [String: String] = [:],
        source: DeploymentSource = .deploy, removeOrphans: Bool = false, preview: Bool = false,
        redeploysRunning: Bool = false, forcedHealthFailure: String? = nil, command: CommandLine? = nil,
        project: ProjectSource
    ) {
        self.preview = preview
        self.redeploysRunning = redeploysRunning
        self.forcedHealthFailure = forcedHealthFailure
        self.command = command
        self.services = services
        self.force = force
        self.noWait = noWait
        self.environment = environment
        self.source = source
        self.removeOrphans = removeOrphans
        self.project = project
    }

    private enum CodingKeys: String, CodingKey {
        case services, force, noWait, environment, source, removeOrphans, preview, redeploysRunning, forcedHealthFailure, command, project
    }

    /// The drills' fields may be absent: a request from a client that predates them deploys as before.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        services = try container.decode([String].self, forKey: .services)
        force = try container.decode(Bool.self, forKey: .force)
        noWait = try container.decode(Bool.self, forKey: .noWait)
        environment = try container.decode([String: String].self, forKey: .environment)
        source = try container.decode(DeploymentSource.self, forKey: .source)
        removeOrphans = try container.decode(Bool.self, forKey: .removeOrphans)
        preview = try container.decode(Bool.self, forKey: .preview)
        redeploysRunning = try container.decodeIfPresent(Bool.self, forKey: .redeploysRunning) ?? false
        forcedHealthFailure = try container.decodeIfPresent(String.self, forKey: .forcedHealthFailure)
        command = try container.decodeIfPresent(CommandLine.self, forKey: .command)
        project = try container.decode(ProjectSource.self, forKey: .project)
    }
}
