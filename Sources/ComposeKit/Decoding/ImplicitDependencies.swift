/// Services a service names outside `depends_on`, through keys Slipway keeps but
/// does not emulate (`network_mode: service:db`, `volumes_from`, `links`, …).
/// compose turns each into a dependency (started before, restarted with it), so
/// the start order is the same here; an explicit `depends_on` entry wins.
enum ImplicitDependencies {
    /// The keys that can name a service, in the order compose reads them.
    static let keys = ["network_mode", "ipc", "pid", "uts", "cgroup", "volumes_from", "links"]

    static func add(to service: inout Service) {
        for (name, dependency) in implied(by: service) where service.dependsOn[name] == nil {
            service.dependsOn[name] = dependency
        }
    }

    private static func implied(by service: Service) -> [(String, Dependency)] {
        var implied: [(String, Dependency)] = []
        for key in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
            if case let .string(text)? = service.notEmulated[key], text.hasPrefix("service:") {
                implied.append((String(text.dropFirst("service:".count)), Dependency(restart: true)))
            }
        }
        if case let .array(items)? = service.notEmulated["volumes_from"] {
            for case let .string(text) in items where !text.hasPrefix("container:") {
                implied.append((String(text.split(separator: ":").first ?? ""), Dependency(restart: false)))
            }
        }
        if case let .array(items)? = service.notEmulated["links"] {
            for case let .string(text) in items {
                implied.append((String(text.split(separator: ":").first ?? ""), Dependency(restart: true)))
            }
        }
        return implied
    }
}
