import ComposeKit
import Foundation
import Glibc
import SlipwayShim

/// A one-off command in a service's environment (`slipway run`), as
/// `docker compose run` gives it a new container of the service: the
/// service's environment, working directory, data directory and private
/// ports of its own, its dependencies' addresses, its `user:`, and the
/// service's command unless another one is given (the entrypoint stays, as
/// in compose).
public struct OneOffCommand: Sendable, Equatable {
    public var executable: String
    /// argv, the program's name first.
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    /// The service's `user:`, when this process can switch to it (as root).
    public var user: String?
    /// What the command line should say before it runs the command.
    public var notes: [String] = []

    /// - Parameters:
    ///   - command: replaces the service's `command` when not empty.
    ///   - dependencies: the running dependencies' stable addresses (the control API's `addresses`).
    ///   - overrides: `run -e KEY=VALUE`, over everything else.
    ///   - canSwitchUser: whether the service's `user:` can be taken (as an instance's, only by root).
    public init(
        service: Service, command: [String], dependencies: [String: ServiceAddress], overrides: [String: String],
        state: StateDirectory, inherited: [String: String], canSwitchUser: Bool = geteuid() == 0
    ) throws(UpError) {
        var definition = service
        if !command.isEmpty {
            definition.command = .exec(command)
            definition.slipway.command = nil
        }
        arguments = try ServiceCommand.arguments(for: definition)
        let ports: [Int]
        do {
            ports = try PortAllocator().allocate(service.containerPorts.count)
        } catch {
            throw UpError.cannotStart(service: service.name, reason: error.description)
        }
        var owner: Account?
        if let wanted = service.user {
            if canSwitchUser {
                do { owner = try Account(resolving: wanted) } catch {
                    throw UpError.cannotStart(service: service.name, reason: "user \(wanted): \(error.message)")
                }
                user = wanted
            } else {
                notes.append("\(service.name): runs as the current user, not \(wanted): switching user needs root")
            }
        }
        var environment = InstanceEnvironment.build(
            for: service, ports: Dictionary(uniqueKeysWithValues: zip(service.containerPorts, ports)),
            dependencies: dependencies, inherited: owner.map { InstanceEnvironment.base(for: $0, from: inherited) } ?? inherited)
        environment["SLIPWAY_DATA_DIR"] = try ServiceDataDirectory(state: state, service: service.name, owner: owner).path
        environment.merge(overrides) { $1 }
        workingDirectory = service.workingDir
        guard let executable = ExecutableLookup.resolve(arguments[0], environment: environment, workingDirectory: workingDirectory)
        else {
            throw UpError.cannotStart(service: service.name, reason: "\(arguments[0]): executable file not found in $PATH")
        }
        self.executable = executable
        self.environment = environment
    }

    /// The hosts file the running supervisor wrote for `service`'s processes, nil when it wrote
    /// none (namespaces are off).
    public static func hostsFile(of service: String, in state: StateDirectory) -> String? {
        let path = ServiceNames.hostsFile(of: service, in: state)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Whether the command has to start through the shim's exec steps (`launched(through:hostsFile:)`).
    public func needsShim(hostsFile: String?) -> Bool {
        hostsFile != nil || user != nil
    }

    /// The command behind the shim's exec steps, as an instance of the service gets them: its
    /// `/etc/hosts` mounted first (as root), so `db` in `psql -h db` resolves as it does for the
    /// service, then its `user:`.
    public func launched(through shimExecutable: String, hostsFile: String?) -> OneOffCommand {
        var launched = self
        if let user {
            launched.arguments = [shimExecutable, "__exec-as", user, launched.executable] + launched.arguments
            launched.executable = shimExecutable
        }
        if let hostsFile {
            launched.arguments = [shimExecutable, "__exec-ns", hostsFile, launched.executable] + launched.arguments
            launched.executable = shimExecutable
        }
        return launched
    }
}
