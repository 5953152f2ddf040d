/// Checks that need the whole project: dependencies that exist and are enabled,
/// no dependency cycle, no two services on one host address, a command for every
/// service. Every problem is logged; nothing stops at the first.
struct ProjectValidator {
    let log: DiagnosticLog
    let requireCommands: Bool

    func validate(_ project: Project, decoded: [String: DecodedService]) {
        for name in project.services.keys.sorted() {
            guard let service = project.services[name], let source = decoded[name] else { continue }
            checkDependencies(service, source: source, project: project)
            checkCommand(service, source: source)
            checkVolumeNames(service, source: source)
        }
        checkCycles(project, decoded: decoded)
        checkPublishedPorts(project, decoded: decoded)
    }

    private func checkDependencies(_ service: Service, source: DecodedService, project: Project) {
        for dependency in service.dependsOn.keys.sorted() {
            let position = SourceLocator.dependency(dependency, in: source.node)
            let path = "services.\(service.name).depends_on"
            if let disabled = project.disabledServices[dependency] {
                guard service.dependsOn[dependency]?.required ?? true else { continue }
                let profiles = disabled.profiles.joined(separator: ", ")
                let flags = disabled.profiles.map { "--profile \($0)" }.joined(separator: " or ")
                log.error("service \"\(service.name)\" depends on service \"\(dependency)\", which is disabled by its profiles (\(profiles)); enable it with \(flags)", at: position, path: path)
            } else if project.services[dependency] == nil {
                guard service.dependsOn[dependency]?.required ?? true else {
                    log.warning("service \"\(service.name)\" has an optional dependency on undefined service \"\(dependency)\"; it is ignored", at: position, path: path)
                    continue
                }
                log.error("service \"\(service.name)\" depends on undefined service \"\(dependency)\"", at: position, path: path)
            }
        }
    }

    private func checkCommand(_ service: Service, source: DecodedService) {
        if let run = service.imageRun {
            checkRequirement(of: run.adapter, service: service, source: source)
            return
        }
        guard service.effectiveCommand == nil, service.entrypoint == nil else { return }
        let known = ImageCatalog.knownImages.joined(separator: ", ")
        let image = service.image.map {
            " (its image \"\($0)\" is not one Slipway runs without a command; known images: \(known))"
        } ?? ""
        let message = "service \"\(service.name)\" has neither command nor x-slipway.command\(dockerfileSource(source)), so Slipway cannot run it\(image)"
        report(message, at: source.node.position, path: "services.\(service.name)")
    }

    /// The image refuses to start without it, so Slipway refuses before anything starts.
    private func checkRequirement(of adapter: ImageAdapter, service: Service, source: DecodedService) {
        guard let requirement = adapter.requirement, !requirement.isMet(by: service.environment) else { return }
        let position = (source.node["environment"] ?? source.node).position
        report(
            "service \"\(service.name)\" (image \(service.image ?? adapter.image)) needs \(requirement.variable): \(requirement.reason)",
            at: position, path: "services.\(service.name).environment")
    }

    private func report(_ message: String, at position: SourcePosition?, path: String) {
        if requireCommands {
            log.error(message, at: position, path: path)
        } else {
            log.warning(message, at: position, path: path)
        }
    }

    /// A named volume becomes a directory under the state directory, so its
    /// name must be one path component (docker's own rule).
    private func checkVolumeNames(_ service: Service, source: DecodedService) {
        for mount in service.mounts {
            guard case .volume(let name) = mount.source, !VolumeName.isValid(name) else { continue }
            log.error(
                "volume name \"\(name)\" is invalid: use letters, digits, \"_\", \".\" and \"-\", starting with a letter or digit",
                at: (source.node["volumes"] ?? source.node).position, path: "services.\(service.name).volumes")
        }
    }

    /// A `build:` service's Dockerfile is one more place a command comes from.
    private func dockerfileSource(_ source: DecodedService) -> String {
        source.dockerfile.map { " nor entrypoint, and its Dockerfile (\($0)) has neither CMD nor ENTRYPOINT" } ?? ""
    }

    private func checkCycles(_ project: Project, decoded: [String: DecodedService]) {
        for cycle in DependencyCycles.find(in: project) {
            let first = cycle[0]
            let position = decoded[first].map { SourceLocator.dependency(cycle[1], in: $0.node) }
            log.error("dependency cycle detected: \(cycle.joined(separator: " → "))", at: position, path: "services.\(first).depends_on")
        }
    }

    private func checkPublishedPorts(_ project: Project, decoded: [String: DecodedService]) {
        // Grouped by port and protocol, so a large project is not compared pair by pair.
        var claimed: [String: [(address: PublishedAddress, service: String)]] = [:]
        for name in project.services.keys.sorted() {
            guard let service = project.services[name] else { continue }
            for (index, port) in service.ports.enumerated() {
                guard let address = PublishedAddress(port) else { continue }
                let group = "\(address.port)/\(address.proto)"
                if let owner = claimed[group]?.first(where: { $0.address.conflicts(with: address) }) {
                    let position = decoded[name]?.portPositions[safe: index]
                    let who = owner.service == name ? "another port of this service" : "service \"\(owner.service)\""
                    log.error("host address \(address) is already published by \(who)", at: position, path: "services.\(name).ports")
                } else {
                    claimed[group, default: []].append((address, name))
                }
            }
        }
    }
}

/// A host ip:port/protocol a port mapping listens on.
struct PublishedAddress: Equatable, CustomStringConvertible {
    var ip: String
    var port: Int
    var proto: String

    init?(_ mapping: PortMapping) {
        guard let published = mapping.published, published != 0 else { return nil }
        ip = mapping.hostIP ?? "127.0.0.1"
        port = published
        proto = mapping.protocol
    }

    func conflicts(with other: PublishedAddress) -> Bool {
        let wildcards: Set<String> = ["0.0.0.0", "::", ""]
        return port == other.port && proto == other.proto
            && (ip == other.ip || wildcards.contains(ip) || wildcards.contains(other.ip))
    }

    var description: String {
        ip.contains(":") ? "[\(ip)]:\(port)/\(proto)" : "\(ip):\(port)/\(proto)"
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
