import ComposeKit

/// The `/etc/hosts` a service's processes see: the project's services it
/// shares a network with (and their aliases there) at their service
/// addresses, then the machine's own file, so `localhost` and the host's
/// own entries keep working. Ours come first: the resolver takes the first match.
public enum HostsFile {
    public static func render(
        for service: Service, among services: [Service], addresses: ServiceAddresses, machineHosts: String
    ) -> String {
        render(for: service.name, among: ProjectNetworks(services), addresses: addresses, machineHosts: machineHosts)
    }

    static func render(for service: String, among project: ProjectNetworks, addresses: ServiceAddresses, machineHosts: String) -> String {
        var lines = ["# Slipway: the services of this project that \(service) shares a network with"]
        let own = project.networks(of: service) ?? ServiceNetworks(aliases: [:])
        for other in project.services.sorted(by: { $0.name < $1.name }) {
            guard let address = addresses.byService[other.name] else { continue }
            let names = own.names(of: other.name, on: other.networks)
            if !names.isEmpty { lines.append("\(address)\t\(names.joined(separator: " "))") }
        }
        return lines.joined(separator: "\n") + "\n\n" + machineHosts
    }

    /// Every name `service` can resolve, with the address it resolves to.
    public static func visibleNames(
        for service: Service, among services: [Service], addresses: ServiceAddresses
    ) -> [String: String] {
        visibleNames(for: service.name, among: ProjectNetworks(services), addresses: addresses)
    }

    static func visibleNames(for service: String, among project: ProjectNetworks, addresses: ServiceAddresses) -> [String: String] {
        let own = project.networks(of: service) ?? ServiceNetworks(aliases: [:])
        var names: [String: String] = [:]
        for other in project.services {
            guard let address = addresses.byService[other.name] else { continue }
            for name in own.names(of: other.name, on: other.networks) { names[name] = address }
        }
        return names
    }
}
