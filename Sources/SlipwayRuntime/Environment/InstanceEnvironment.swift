import ComposeKit
import Foundation
import SlipwayShim

/// Builds the environment of one service instance (docs/runtime-environment.md).
///
/// A container starts from its image's environment; a local process needs
/// the machine's `PATH`, `HOME`, `LANG`… So the base is the supervisor's own
/// environment (only a few of its variables for a service switched to
/// another user: `base(for:from:)`), then, each overriding the one before:
/// 1. `environment`, which the loader already merged over the `env_file`s
///    (read once, at load, as compose does; a bare `KEY` whose variable is
///    unset removes `KEY`);
/// 2. Slipway's own variables — `PORT`, `PORT_<T>`, `<NAME>_SERVICE_HOST`,
///    `<NAME>_SERVICE_PORT`, `<NAME>_SERVICE_PORT_<T>` — last, because the
///    proxy forwards to exactly those ports.
/// `PORT` and `PORT_<T>` the supervisor itself inherited are dropped, so an
/// instance never sees a port that is not its own.
public enum InstanceEnvironment {
    /// - Parameters:
    ///   - ports: the instance's private ports (container port → loopback port).
    ///   - dependencies: stable endpoints of the services it depends on, by
    ///     service name; dependencies without ports are simply absent.
    ///   - inherited: the supervisor's environment.
    public static func build(
        for service: Service,
        ports: [Int: Int],
        dependencies: [String: ServiceAddress],
        inherited: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        var environment = inherited.filter { !isInstancePortVariable($0.key) }
        for (key, value) in service.environment {
            environment[key] = value
        }
        for (key, value) in slipwayVariables(for: service, ports: ports, dependencies: dependencies) {
            environment[key] = value
        }
        return environment
    }

    /// What a service switched to another user (`user:`) starts from instead
    /// of the supervisor's whole environment, which may hold the supervisor's
    /// credentials and would be readable by every process of that user
    /// (`/proc/PID/environ`): the locale, time zone, terminal and `PATH`, and
    /// that user's own `HOME`, `USER` and `LOGNAME`, as a container would.
    static func base(for account: Account, from inherited: [String: String]) -> [String: String] {
        var base = inherited.filter { key, _ in keptForAnotherUser.contains(key) || key.hasPrefix("LC_") }
        base["PATH"] = base["PATH"] ?? defaultPath
        base["HOME"] = account.home ?? "/"
        if let name = account.name {
            base["USER"] = name
            base["LOGNAME"] = name
        }
        return base
    }

    private static let keptForAnotherUser: Set<String> = ["PATH", "LANG", "LANGUAGE", "TZ", "TERM"]

    /// Docker's `PATH` for a container whose image sets none.
    private static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// `PORT`, `PORT_<T>` and the dependencies' addresses.
    public static func slipwayVariables(
        for service: Service, ports: [Int: Int], dependencies: [String: ServiceAddress]
    ) -> [String: String] {
        var variables: [String: String] = [:]
        let own = ServiceAddress(service: service, portsByTarget: ports).ports
        if let first = own.first { variables["PORT"] = String(first.port) }
        for binding in own { variables["PORT_\(binding.target)"] = String(binding.port) }
        for name in service.dependsOn.keys {
            guard let address = dependencies[name], let first = address.ports.first else { continue }
            let prefix = variablePrefix(forService: name)
            variables["\(prefix)_SERVICE_HOST"] = address.host
            variables["\(prefix)_SERVICE_PORT"] = String(first.port)
            for binding in address.ports { variables["\(prefix)_SERVICE_PORT_\(binding.target)"] = String(binding.port) }
        }
        return variables
    }

    /// `auth-service` → `AUTH_SERVICE` (the Kubernetes convention).
    public static func variablePrefix(forService name: String) -> String {
        String(name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    private static func isInstancePortVariable(_ key: String) -> Bool {
        if key == "PORT" { return true }
        guard key.hasPrefix("PORT_") else { return false }
        let suffix = key.dropFirst(5)
        return !suffix.isEmpty && suffix.allSatisfy(\.isASCII) && suffix.allSatisfy(\.isNumber)
    }
}
