/// The shape compose-spec.json gives each service key Slipway keeps without
/// emulating, so a wrong type is still a load error (`cap_add: NET_ADMIN`
/// instead of a list) even though the value itself is never acted on.
enum NotEmulatedShapes {
    enum Shape {
        case scalar
        case list
        case mapping
        case listOrScalar
        case listOrMapping

        var expectation: String {
            switch self {
            case .scalar: return "a string, number or boolean"
            case .list: return "a list"
            case .mapping: return "a mapping"
            case .listOrScalar: return "a string or a list"
            case .listOrMapping: return "a mapping or a list"
            }
        }

        func accepts(_ node: YAMLNode) -> Bool {
            if node.isNull { return true }
            switch (self, node.content) {
            case (.scalar, .scalar), (.list, .sequence), (.mapping, .mapping),
                 (.listOrScalar, .scalar), (.listOrScalar, .sequence),
                 (.listOrMapping, .sequence), (.listOrMapping, .mapping):
                return true
            default:
                return false
            }
        }
    }

    static func shape(of key: String) -> Shape {
        if listOrMapping.contains(key) { return .listOrMapping }
        if mappings.contains(key) { return .mapping }
        if lists.contains(key) { return .list }
        if listOrScalar.contains(key) { return .listOrScalar }
        return .scalar
    }

    private static let listOrMapping: Set<String> = ["annotations", "extra_hosts", "models", "networks", "sysctls"]
    private static let mappings: Set<String> = ["blkio_config", "credential_spec", "develop", "logging", "provider", "storage_opt", "ulimits"]
    private static let lists: Set<String> = [
        "cap_add", "cap_drop", "configs", "device_cgroup_rules", "devices", "dns_opt", "external_links", "group_add",
        "links", "post_start", "pre_start", "pre_stop", "secrets", "security_opt", "volumes", "volumes_from",
    ]
    private static let listOrScalar: Set<String> = ["dns", "dns_search", "gpus", "label_file", "tmpfs"]
}
