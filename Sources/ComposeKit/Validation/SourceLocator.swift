/// Finds where a value was written in a service's YAML, so cross-service errors
/// point at the exact line.
enum SourceLocator {
    /// Where `name` is named as a dependency: in `depends_on`, else in the key that
    /// implies the dependency (`links`, `network_mode: service:…`, …).
    static func dependency(_ name: String, in service: YAMLNode) -> SourcePosition {
        if let dependsOn = service["depends_on"] {
            if let entry = dependsOn.entries?.first(where: { $0.key == name }) { return entry.keyPosition }
            if let item = dependsOn.items?.first(where: { $0.scalarText == name }) { return item.position }
        }
        for key in ImplicitDependencies.keys {
            guard let node = service[key] else { continue }
            let mentions = (node.items ?? [node]).first { ($0.scalarText ?? "").contains(name) }
            if let mentions { return mentions.position }
        }
        return service["depends_on"]?.position ?? service.position
    }
}
