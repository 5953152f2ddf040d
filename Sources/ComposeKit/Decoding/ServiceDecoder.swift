/// Builds one typed `Service` from its merged YAML mapping, logging every
/// problem with its key path instead of stopping at the first.
struct ServiceDecoder {
    let reader: ValueReader
    /// Absolute project directory; relative `working_dir` and `env_file` resolve against it.
    let projectDirectory: String
    /// Resolves a bare `environment` key (the shell, then `.env`).
    let lookup: (String) -> String?

    func decode(name: String, node: YAMLNode) -> DecodedService {
        var decoded = DecodedService(service: Service(name: name), node: node)
        let path = "services.\(name)"
        guard let entries = node.isNull ? [] : reader.mapping(node, path) else { return decoded }
        reader.checkKeys(entries, allowed: ComposeKeys.serviceKeys, path)
        for entry in entries {
            if entry.key == "ports" {
                let ports = PortDecoder(reader: reader).decodePorts(entry.value, "\(path).ports")
                decoded.service.ports = ports.map(\.mapping)
                decoded.portPositions = ports.map(\.position)
            } else {
                apply(entry, to: &decoded.service, path: "\(path).\(entry.key)")
            }
        }
        requirePortForHealthPath(decoded.service, node: node, path: path)
        return decoded
    }

    /// `health_path` probes the instance's `PORT`; without a container port
    /// there is nothing to probe, and the service would never turn healthy.
    private func requirePortForHealthPath(_ service: Service, node: YAMLNode, path: String) {
        guard service.slipway.healthPath != nil, service.containerPorts.isEmpty,
              let pathNode = node["x-slipway"]?["health_path"]
        else { return }
        reader.fail(
            pathNode, "\(path).x-slipway.health_path",
            "probes the service's PORT, but the service declares no port; add `ports` or `expose`")
    }

    private var environmentDecoder: EnvironmentDecoder {
        EnvironmentDecoder(reader: reader, projectDirectory: projectDirectory, lookup: lookup)
    }

    private func apply(_ entry: YAMLNode.Entry, to service: inout Service, path: String) {
        let value = entry.value
        switch entry.key {
        case "image": service.image = reader.string(value, path)
        case "build": service.build = value.resolved
        case "command": service.command = value.isNull ? nil : reader.commandLine(value, path)
        case "entrypoint": service.entrypoint = value.isNull ? nil : reader.commandLine(value, path)
        case "environment": service.environment = environmentDecoder.environment(value, path)
        case "env_file": service.envFiles = environmentDecoder.envFiles(value, path)
        // Empty (`${UNSET}`) means the default, as docker takes an empty working directory or user.
        case "working_dir":
            service.workingDir = reader.string(value, path).flatMap { $0.isEmpty ? nil : PathResolver.absolute($0, relativeTo: projectDirectory) }
        case "user": service.user = reader.string(value, path).flatMap { $0.isEmpty ? nil : $0 }
        case "depends_on": service.dependsOn = DependencyDecoder(reader: reader).decode(value, path)
        case "healthcheck": service.healthcheck = HealthcheckDecoder(reader: reader).decode(value, path)
        case "expose": service.expose = PortDecoder(reader: reader).decodeExpose(value, path)
        case "restart": service.restart = RestartDecoder(reader: reader).restart(value, path) ?? .no
        case "deploy": RestartDecoder(reader: reader).deploy(value, path, into: &service)
        case "stop_signal": service.stopSignal = reader.string(value, path)
        case "stop_grace_period": service.stopGracePeriod = reader.duration(value, path) ?? .seconds(10)
        case "profiles": service.profiles = reader.stringList(value, path) ?? []
        case "labels": service.labels = environmentDecoder.labels(value, path)
        case "extends": break
        case "x-slipway": service.slipway = SlipwayExtensionDecoder(reader: reader).decode(value, path)
        case let key where key.hasPrefix("x-"): service.extensions[key] = value.resolved
        case let key where ComposeKeys.notEmulatedServiceKeys.contains(key):
            let shape = NotEmulatedShapes.shape(of: key)
            guard shape.accepts(value) else {
                reader.fail(value, path, "must be \(shape.expectation), got \(reader.describe(value))")
                return
            }
            if key == "volumes" { checkShortVolumes(value, path) }
            service.notEmulated[key] = value.resolved
            if key == "volumes" { service.mounts = VolumeMountDecoder(projectDirectory: projectDirectory).decode(value) }
            if key == "logging" { service.logLimits = LoggingDecoder(reader: reader).limits(value, path) }
        default: break
        }
    }
}

extension ServiceDecoder {
    private func checkShortVolumes(_ value: YAMLNode, _ path: String) {
        for (index, item) in (value.items ?? []).enumerated() {
            guard case .scalar(let spec, _) = item.content, !item.isNull,
                let problem = VolumeShortSyntax.problem(spec)
            else { continue }
            reader.fail(item, "\(path)[\(index)]", problem)
        }
    }
}

/// A decoded service with what validation needs to point at its source.
struct DecodedService {
    var service: Service
    var node: YAMLNode
    /// Where each of `service.ports` was written.
    var portPositions: [SourcePosition] = []
    /// The Dockerfile a `build:` service's defaults were read from, as diagnostics name it.
    var dockerfile: String?
}
