import ComposeKit
import Foundation

/// How each service of a run reaches the others by name: its private
/// `/etc/hosts` (when namespaces work) and the rewrite its environment still
/// needs (ports that moved; every name when namespaces do not work).
struct ServiceNames: Sendable {
    /// service → the hosts file its processes see as `/etc/hosts`.
    var hostsFiles: [String: String] = [:]
    /// service → the rewrite of its environment values.
    var rewrites: [String: HostRewrite] = [:]
    /// service → each address and port its names reach (`db` → 127.x.y.z:5432), for
    /// the listeners of its instances' own network namespaces.
    var reachable: [String: [NamedEndpoint]] = [:]

    /// The hosts file a service's processes see as `/etc/hosts`, which `prepare` writes.
    static func hostsFile(of service: String, in state: StateDirectory) -> String {
        "\(state.path)/hosts/\(service)"
    }

    /// Writes `hosts/<service>` under the state directory for each service.
    static func prepare(
        services: [Service], addresses: ServiceAddresses, namedPorts: [String: [Int: Int]],
        state: StateDirectory, namespaces: Bool
    ) throws -> ServiceNames {
        var names = ServiceNames()
        let directory = "\(state.path)/hosts"
        if namespaces {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let machineHosts = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8)) ?? "127.0.0.1\tlocalhost\n"
        let project = ProjectNetworks(services)
        let containerPorts = Dictionary(services.map { ($0.name, $0.containerPorts) }, uniquingKeysWith: { first, _ in first })
        for service in services {
            let visible = HostsFile.visibleNames(for: service.name, among: project, addresses: addresses)
            let moved = Self.movedPorts(visible: visible.keys, owners: project.owners, namedPorts: namedPorts)
            names.reachable[service.name] = Self.endpoints(
                visible: visible, owners: project.owners, containerPorts: containerPorts, namedPorts: namedPorts)
            if !namespaces || !moved.isEmpty {
                names.rewrites[service.name] = HostRewrite(addresses: visible, movedPorts: moved, rewritesNames: !namespaces)
            }
            guard namespaces else { continue }
            let path = hostsFile(of: service.name, in: state)
            let text = HostsFile.render(for: service.name, among: project, addresses: addresses, machineHosts: machineHosts)
            // Readable by all: it is what a service's own user reads as /etc/hosts.
            try StateFile.replace(path, with: Array(text.utf8), mode: 0o644)
            names.hostsFiles[service.name] = path
        }
        return names
    }

    /// Every address:port the visible names reach, once each, with the service behind it.
    private static func endpoints(
        visible: [String: String], owners: [String: String], containerPorts: [String: [Int]], namedPorts: [String: [Int: Int]]
    ) -> [NamedEndpoint] {
        var endpoints: [NamedEndpoint] = []
        var seen: Set<String> = []
        for (name, address) in visible.sorted(by: { $0.key < $1.key }) {
            guard let owner = owners[name] else { continue }
            for target in containerPorts[owner] ?? [] {
                guard let port = namedPorts[owner]?[target], seen.insert("\(address):\(port)").inserted else { continue }
                endpoints.append(NamedEndpoint(service: owner, containerPort: target, address: address, port: port))
            }
        }
        return endpoints
    }

    /// Visible name → container port → port at its address, where they differ.
    private static func movedPorts(
        visible: Dictionary<String, String>.Keys, owners: [String: String], namedPorts: [String: [Int: Int]]
    ) -> [String: [Int: Int]] {
        var moved: [String: [Int: Int]] = [:]
        for name in visible {
            guard let owner = owners[name] else { continue }
            let changed = (namedPorts[owner] ?? [:]).filter { $0.key != $0.value }
            if !changed.isEmpty { moved[name] = changed }
        }
        return moved
    }

    /// A `CMD`/`CMD-SHELL` health check run inside the service's view of
    /// names, so `pg_isready -h db` probes what the service itself would reach.
    func wrap(_ check: ProbeCheck, of service: String, shimExecutable: String) -> ProbeCheck {
        guard let hosts = hostsFiles[service] else { return check }
        return check.execed(through: [shimExecutable, "__exec-ns", hosts])
    }
}
