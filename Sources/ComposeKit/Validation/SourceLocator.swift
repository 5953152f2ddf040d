/// Finds where a value was written in a service's YAML, so cross-service errors
/// point at the exact line.
enum SourceLocator {
    static func dependency(_ name: String, in service: YAMLNode) -> SourcePosition {
        guard let dependsOn = service["depends_on"] else { return service.position }
        if let entry = dependsOn.entries?.first(where: { $0.key == name }) { return entry.keyPosition }
        if let item = dependsOn.items?.first(where: { $0.scalarText == name }) { return item.position }
        return dependsOn.position
    }
}
