/// Turns the merged YAML of all files into a `Project`: top-level keys checked,
/// services decoded, `env_file`s read into the environment, profiles applied.
struct ProjectAssembler {
    let session: LoadSession
    let variables: [String: String]
    /// The process environment: what a Dockerfile reads from its base image's environment.
    let processEnvironment: [String: String]
    /// A `build:` service's Dockerfile must be readable (at `up`, not at `config`).
    let requireDockerfiles: Bool
    let activeProfiles: Set<String>
    let requestedServices: Set<String>

    private var log: DiagnosticLog { session.log }

    func assemble(_ root: YAMLNode, name: String, files: [String]) -> (project: Project, services: [String: DecodedService]) {
        var project = Project(name: name, directory: session.projectDirectory, composeFiles: files)
        let reader = ValueReader(log: log)
        let entries = root.entries ?? []
        reader.checkKeys(entries, allowed: ComposeKeys.topLevel, "")
        var decoded: [String: DecodedService] = [:]
        for entry in entries {
            switch entry.key {
            case "version":
                log.warning("the top-level \"version\" is obsolete and ignored", at: entry.keyPosition, path: "version")
            case "services":
                decoded = services(entry.value, reader: reader)
            case "networks": project.networks = resources(entry.value, "networks", reader)
            case "volumes": project.volumes = resources(entry.value, "volumes", reader)
            case "secrets": project.secrets = resources(entry.value, "secrets", reader)
            case "configs": project.configs = resources(entry.value, "configs", reader)
            case "models": project.models = resources(entry.value, "models", reader)
            case let key where key.hasPrefix("x-"): project.extensions[key] = entry.value.resolved
            default: break
            }
        }
        // A service named on the command line adds its profiles to the active ones (compose-spec 15-profiles).
        let requestedProfiles = requestedServices.flatMap { decoded[$0]?.service.profiles ?? [] }
        let active = activeProfiles.union(requestedProfiles)
        let dockerfiles = DockerfileLoader(
            session: session, reader: reader, baseEnvironment: processEnvironment, requireDockerfiles: requireDockerfiles
        ) { variables[$0] }
        for serviceName in decoded.keys.sorted() {
            guard var service = decoded[serviceName] else { continue }
            if isEnabled(service.service, active: active) {
                // Only a service that may run needs its Dockerfile.
                dockerfiles.apply(to: &service)
                decoded[serviceName] = service
                project.services[serviceName] = service.service
            } else {
                project.disabledServices[serviceName] = service.service
            }
        }
        return (project, decoded)
    }

    private func services(_ node: YAMLNode, reader: ValueReader) -> [String: DecodedService] {
        if node.isNull { return [:] }
        guard let entries = reader.mapping(node, "services") else { return [:] }
        let variables = self.variables
        let decoder = ServiceDecoder(reader: reader, projectDirectory: session.projectDirectory) { variables[$0] }
        var decoded: [String: DecodedService] = [:]
        for entry in entries {
            if !ResourceNameRules.isValid(entry.key) {
                log.error("invalid service name \"\(entry.key)\": \(ResourceNameRules.rule)", at: entry.keyPosition, path: "services")
            }
            var service = decoder.decode(name: entry.key, node: entry.value)
            ImplicitDependencies.add(to: &service.service)
            service.service.environment = EnvFileValues(session: session, variables: variables)
                .environment(for: service.service, node: entry.value)
            decoded[entry.key] = service
        }
        return decoded
    }

    /// `networks`, `volumes`, … are kept as written; each entry must be a mapping or empty.
    private func resources(_ node: YAMLNode, _ key: String, _ reader: ValueReader) -> ComposeValue? {
        if node.isNull { return nil }
        guard let entries = reader.mapping(node, key) else { return nil }
        for entry in entries where !entry.value.isNull && entry.value.entries == nil {
            reader.fail(entry.value, "\(key).\(entry.key)", "must be a mapping, got \(reader.describe(entry.value))")
        }
        for entry in entries where key == "volumes" && !ResourceNameRules.isValid(entry.key) {
            log.error("invalid volume name \"\(entry.key)\": \(ResourceNameRules.rule)", at: entry.keyPosition, path: "volumes")
        }
        return node.resolved
    }

    private func isEnabled(_ service: Service, active: Set<String>) -> Bool {
        service.profiles.isEmpty || active.contains("*") || !active.isDisjoint(with: service.profiles)
    }
}

/// Service and volume names: compose's `[a-zA-Z0-9._-]+`, and a single path
/// component, because Slipway names files and directories after them
/// (`logs/<service>.log`, `data/<service>`): `.` and `..` would walk out.
enum ResourceNameRules {
    static let rule = "use only letters, digits, \".\", \"_\" and \"-\", and not \".\" or \"..\" alone"

    static func isValid(_ name: String) -> Bool {
        name != "." && name != ".." && !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_".unicodeScalars.contains(scalar))
        }
    }
}
