import ComposeKit
import Foundation

/// A one-off command in a service's environment (`slipway run`), as
/// `docker compose run` gives it a new container of the service: the
/// service's environment, working directory, data directory and private
/// ports of its own, its dependencies' addresses, and the service's command
/// unless another one is given (the entrypoint stays, as in compose).
public struct OneOffCommand: Sendable, Equatable {
    public var executable: String
    /// argv, the program's name first.
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?

    /// - Parameters:
    ///   - command: replaces the service's `command` when not empty.
    ///   - dependencies: the running dependencies' stable addresses (the control API's `addresses`).
    ///   - overrides: `run -e KEY=VALUE`, over everything else.
    public init(
        service: Service, command: [String], dependencies: [String: ServiceAddress], overrides: [String: String],
        state: StateDirectory, inherited: [String: String]
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
        var environment = InstanceEnvironment.build(
            for: service, ports: Dictionary(uniqueKeysWithValues: zip(service.containerPorts, ports)),
            dependencies: dependencies, inherited: inherited)
        environment["SLIPWAY_DATA_DIR"] = try ServiceDataDirectory(state: state, service: service.name, owner: nil).path
        environment.merge(overrides) { $1 }
        workingDirectory = service.workingDir
        guard let executable = ExecutableLookup.resolve(arguments[0], environment: environment, workingDirectory: workingDirectory)
        else {
            throw UpError.cannotStart(service: service.name, reason: "\(arguments[0]): executable file not found in $PATH")
        }
        self.executable = executable
        self.environment = environment
    }

    /// The command run inside `service`'s view of names, as the running supervisor wrote it for
    /// the service's own processes: `db` in `psql -h db` resolves there too. The shim's exec step
    /// mounts that `/etc/hosts` and execs the command in its place. Unchanged when the file is
    /// missing (namespaces are off, or no supervisor prepared the project).
    public func seeingNames(of service: String, in state: StateDirectory, shimExecutable: String) -> OneOffCommand {
        let hosts = ServiceNames.hostsFile(of: service, in: state)
        guard FileManager.default.fileExists(atPath: hosts) else { return self }
        var wrapped = self
        wrapped.executable = shimExecutable
        wrapped.arguments = [shimExecutable, "__exec-ns", hosts, executable] + arguments
        return wrapped
    }
}
