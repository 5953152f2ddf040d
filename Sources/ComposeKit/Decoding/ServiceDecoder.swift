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
        return decoded
    }

    private func apply(_ entry: YAMLNode.Entry, to service: inout Service, path: String) {
        let value = entry.value
        switch entry.key {
        case "image": service.image = reader.string(value, path)
        case "build": service.build = value.resolved
        case "command": service.command = value.isNull ? nil : reader.commandLine(value, path)
        case "entrypoint": service.entrypoint = value.isNull ? nil : reader.commandLine(value, path)
        case "environment": service.environment = environment(value, path)
        case "env_file": service.envFiles = envFiles(value, path)
        case "working_dir": service.workingDir = reader.string(value, path).map { PathResolver.absolute($0, relativeTo: projectDirectory) }
        case "user": service.user = reader.string(value, path)
        case "depends_on": service.dependsOn = DependencyDecoder(reader: reader).decode(value, path)
        case "healthcheck": service.healthcheck = HealthcheckDecoder(reader: reader).decode(value, path)
        case "expose": service.expose = PortDecoder(reader: reader).decodeExpose(value, path)
        case "restart": service.restart = restart(value, path) ?? .no
        case "deploy": decodeDeploy(value, path, into: &service)
        case "stop_signal": service.stopSignal = reader.string(value, path)
        case "stop_grace_period": service.stopGracePeriod = reader.duration(value, path) ?? .seconds(10)
        case "profiles": service.profiles = reader.stringList(value, path) ?? []
        case "labels": service.labels = labels(value, path)
        case "extends": break
        case "x-slipway": service.slipway = SlipwayExtensionDecoder(reader: reader).decode(value, path)
        case let key where key.hasPrefix("x-"): service.extensions[key] = value.resolved
        case let key where ComposeKeys.notEmulatedServiceKeys.contains(key): service.notEmulated[key] = value.resolved
        default: break
        }
    }

    private func environment(_ node: YAMLNode, _ path: String) -> [String: String?] {
        guard let pairs = reader.keyValues(node, path) else { return [:] }
        var environment: [String: String?] = [:]
        for pair in pairs {
            if pair.key.hasSuffix(" ") || pair.key.hasPrefix(" ") || pair.key.isEmpty {
                reader.log.error("environment variable \"\(pair.key)\" is declared with a leading or trailing space or is empty", at: pair.position, path: path)
                continue
            }
            environment[pair.key] = .some(pair.value ?? lookup(pair.key))
        }
        return environment
    }

    private func labels(_ node: YAMLNode, _ path: String) -> [String: String] {
        guard let pairs = reader.keyValues(node, path) else { return [:] }
        return Dictionary(pairs.map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
    }

    private func envFiles(_ node: YAMLNode, _ path: String) -> [EnvFileReference] {
        let items: [YAMLNode]
        if node.scalarText != nil, !node.isNull {
            items = [node]
        } else {
            guard let list = reader.sequence(node, path) else { return [] }
            items = list
        }
        return items.enumerated().compactMap { index, item in envFile(item, "\(path)[\(index)]") }
    }

    private func envFile(_ node: YAMLNode, _ path: String) -> EnvFileReference? {
        guard let entries = node.entries else {
            return reader.string(node, path).map { EnvFileReference(path: PathResolver.absolute($0, relativeTo: projectDirectory)) }
        }
        reader.checkKeys(entries, allowed: ComposeKeys.envFileKeys, path)
        guard let pathNode = node["path"] else {
            reader.fail(node, path, "missing required key \"path\"")
            return nil
        }
        guard let file = reader.string(pathNode, "\(path).path") else { return nil }
        let required = node["required"].flatMap { reader.bool($0, "\(path).required") } ?? true
        if let format = node["format"], let name = reader.string(format, "\(path).format"), name != "raw" {
            reader.fail(format, "\(path).format", "unsupported env_file format \"\(name)\"; Slipway reads .env syntax or \"raw\"")
        }
        return EnvFileReference(path: PathResolver.absolute(file, relativeTo: projectDirectory), required: required)
    }

    private func restart(_ node: YAMLNode, _ path: String) -> RestartPolicy? {
        guard let text = reader.string(node, path) else { return nil }
        switch text {
        case "no", "": return .no
        case "always": return .always
        case "unless-stopped": return .unlessStopped
        case "on-failure": return .onFailure(maxRetries: nil)
        default:
            if text.hasPrefix("on-failure:"), let count = Int(text.dropFirst("on-failure:".count)), count >= 0 {
                return .onFailure(maxRetries: count)
            }
            reader.fail(node, path, "expected no, always, on-failure[:max-retries] or unless-stopped, got \"\(text)\"")
            return nil
        }
    }

    private func decodeDeploy(_ node: YAMLNode, _ path: String, into service: inout Service) {
        guard let entries = reader.mapping(node, path) else { return }
        var others: [(key: String, value: ComposeValue)] = []
        for entry in entries {
            if entry.key == "restart_policy" {
                service.deployRestartPolicy = restartPolicy(entry.value, "\(path).restart_policy")
            } else {
                others.append((entry.key, entry.value.resolved))
            }
        }
        if !others.isEmpty { service.notEmulated["deploy"] = .mapping(others) }
    }

    private func restartPolicy(_ node: YAMLNode, _ path: String) -> DeployRestartPolicy? {
        guard let entries = reader.mapping(node, path) else { return nil }
        reader.checkKeys(entries, allowed: ComposeKeys.restartPolicyKeys, path)
        var policy = DeployRestartPolicy()
        if let condition = node["condition"], let text = reader.string(condition, "\(path).condition") {
            if let parsed = DeployRestartPolicy.Condition(rawValue: text) {
                policy.condition = parsed
            } else {
                reader.fail(condition, "\(path).condition", "expected none, on-failure or any, got \"\(text)\"")
            }
        }
        policy.delay = node["delay"].flatMap { reader.duration($0, "\(path).delay") }
        policy.maxAttempts = node["max_attempts"].flatMap { reader.int($0, "\(path).max_attempts") }
        policy.window = node["window"].flatMap { reader.duration($0, "\(path).window") }
        return policy
    }
}

/// A decoded service with what validation needs to point at its source.
struct DecodedService {
    var service: Service
    var node: YAMLNode
    /// Where each of `service.ports` was written.
    var portPositions: [SourcePosition] = []
}
