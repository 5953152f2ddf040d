import ComposeKit

/// The `/etc/hosts` a service's processes see: the project's services it
/// shares a network with (and their aliases there) at their service
/// addresses, then the machine's own file, so `localhost` and the host's
/// own entries keep working. Ours come first: the resolver takes the first match.
public enum HostsFile {
    public static func render(
        for service: Service, among services: [Service], addresses: ServiceAddresses, machineHosts: String
    ) -> String {
        var lines = ["# Slipway: the services of this project that \(service.name) shares a network with"]
        let own = ServiceNetworks(service)
        for other in services.sorted(by: { $0.name < $1.name }) {
            guard let address = addresses.byService[other.name] else { continue }
            let names = own.names(of: other.name, on: ServiceNetworks(other))
            if !names.isEmpty { lines.append("\(address)\t\(names.joined(separator: " "))") }
        }
        return lines.joined(separator: "\n") + "\n\n" + machineHosts
    }

    /// Every name `service` can resolve, with the address it resolves to.
    public static func visibleNames(
        for service: Service, among services: [Service], addresses: ServiceAddresses
    ) -> [String: String] {
        let own = ServiceNetworks(service)
        var names: [String: String] = [:]
        for other in services {
            guard let address = addresses.byService[other.name] else { continue }
            for name in own.names(of: other.name, on: ServiceNetworks(other)) { names[name] = address }
        }
        return names
    }
}
