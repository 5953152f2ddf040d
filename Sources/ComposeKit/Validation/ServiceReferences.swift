/// Services a service names outside `depends_on`, through keys Slipway keeps but
/// does not emulate (`network_mode: service:db`, `volumes_from`, `links`, …);
/// compose rejects a project where they name no service, and so does Slipway.
enum ServiceReferences {
    struct Reference: Hashable {
        var key: String
        var service: String
    }

    static func named(by service: Service) -> [Reference] {
        var references: [Reference] = []
        for key in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
            if case let .string(text)? = service.notEmulated[key], text.hasPrefix("service:") {
                references.append(Reference(key: key, service: String(text.dropFirst("service:".count))))
            }
        }
        if case let .array(items)? = service.notEmulated["volumes_from"] {
            for case let .string(text) in items where !text.hasPrefix("container:") {
                references.append(Reference(key: "volumes_from", service: String(text.split(separator: ":").first ?? "")))
            }
        }
        if case let .array(items)? = service.notEmulated["links"] {
            for case let .string(text) in items {
                references.append(Reference(key: "links", service: String(text.split(separator: ":").first ?? "")))
            }
        }
        var seen = Set<Reference>()
        return references.filter { seen.insert($0).inserted }
    }
}
