import ComposeKit
import Foundation
import Glibc
import SlipwayShim

/// What an image adapter's service runs: its entrypoint script under
/// `/bin/sh`, the environment that describes the instance to it, and the
/// directories it needs, made and owned before the process starts.
struct ImageLaunch {
    var arguments: [String]
    var environment: [String: String]

    /// - Parameters:
    ///   - environment: the instance's environment as `InstanceEnvironment` built it.
    ///   - internalPorts: a fresh private port per `adapter.internalPorts` variable.
    ///   - owner: the account the server runs as, nil for the supervisor's own.
    init(
        _ run: ImageRun, service: Service, environment: [String: String], internalPorts: [String: Int],
        state: StateDirectory, owner: Account?
    ) throws(UpError) {
        let adapter = run.adapter
        let server = try ServerProgramLocator.locate(adapter.server, reference: run.reference, service: service.name)
        let dataPath = adapter.dataPathVariable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? adapter.dataPath
        let data = ImageDataLocation(containerPath: dataPath, mounts: service.mounts, state: state, service: service.name)
        try Self.prepare(data, state: state, service: service.name, owner: owner)
        let runDirectory = try ServiceDataDirectory(
            state: state, components: ["images", service.name], service: service.name, owner: owner).path
        let wrappers = try ClientToolWrappers.write(adapter.clientTools, in: runDirectory + "/bin", service: service.name)

        var instance = environment
        for (name, port) in internalPorts { instance[name] = String(port) }
        instance["SLIPWAY_SERVER"] = server
        instance["SLIPWAY_IMAGE_DATA"] = data.path
        instance["SLIPWAY_IMAGE_RUN"] = runDirectory
        instance["SLIPWAY_IMAGE_TAG"] = run.reference.tag ?? "latest"
        instance["SLIPWAY_IMAGE_ID"] = Self.stableID(data.path)
        if let initDirectory = adapter.initDirectory, let copied = try InitScripts.gather(
            at: initDirectory, mounts: service.mounts, state: state, into: runDirectory + "/initdb.d",
            service: service.name, owner: owner)
        {
            instance["SLIPWAY_IMAGE_INIT"] = copied
        }
        self.environment = Self.pointingClientTools(of: adapter, at: instance, dataPath: data.path, wrappers: wrappers)
        arguments = ["/bin/sh", "-c", adapter.entrypoint, "slipway-\(adapter.image)"] + run.serverArguments
    }

    /// The data path variable (`PGDATA`) names the directory on this
    /// machine, the client tools' variables name this instance, and their
    /// wrappers come first on the `PATH`.
    private static func pointingClientTools(
        of adapter: ImageAdapter, at environment: [String: String], dataPath: String, wrappers: String?
    ) -> [String: String] {
        var instance = environment
        if let variable = adapter.dataPathVariable { instance[variable] = dataPath }
        for tool in adapter.clientTools {
            for (name, value) in tool.variables { instance[name] = ShellWords.expand(value, in: instance) }
        }
        if let wrappers { instance["PATH"] = wrappers + ":" + (instance["PATH"] ?? ExecutableLookup.defaultSearchPath) }
        return instance
    }

    /// The directory a mount provides is made and given to the server's
    /// account, as the image's entrypoint (running as root) chowns its data
    /// directory; what lies below is the server's to make.
    private static func prepare(_ data: ImageDataLocation, state: StateDirectory, service: String, owner: Account?) throws(UpError) {
        if let volume = data.volume {
            _ = try ServiceDataDirectory(state: state, components: ["volumes", volume], service: service, owner: owner)
        } else if data.root.hasPrefix(state.dataDirectory + "/") {
            _ = try ServiceDataDirectory(state: state, service: service, owner: owner)
        } else {
            do {
                try FileManager.default.createDirectory(atPath: data.root, withIntermediateDirectories: true)
            } catch {
                throw UpError.cannotStart(service: service, reason: "cannot create \(data.root): \(error.localizedDescription)")
            }
            if let owner, owner.uid != geteuid(), chown(data.root, owner.uid, owner.gid) != 0 {
                throw UpError.cannotStart(
                    service: service, reason: "cannot give \(data.root) to its user: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Names the server's node after its data (RabbitMQ keeps the node
    /// name in its database), so it is the same on every start and differs
    /// between projects.
    static func stableID(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(String(hash, radix: 16).suffix(10))
    }
}
