/// Tells the user, once per key, which compose keys the project uses that
/// Slipway keeps (and `config` prints) but does not act on.
struct NotEmulatedReport {
    let log: DiagnosticLog

    func report(_ project: Project, decoded: [String: DecodedService], root: YAMLNode) {
        for entry in root.entries ?? [] where Self.topLevelKeys.contains(entry.key) && !entry.value.isNull {
            log.warning("top-level \"\(entry.key)\" is accepted but not emulated (processes share the host); see docs/compose-compatibility.md", at: entry.keyPosition, path: entry.key)
        }
        reportServiceKeys(project, decoded: decoded)
    }

    /// Top-level `volumes` is acted on: a named volume is a directory under the project's state.
    private static let topLevelKeys: Set<String> = ["networks", "secrets", "configs", "models"]
    /// Kept as written but acted on in part: `logging`'s size options bound the log.
    private static let emulatedServiceKeys: Set<String> = ["logging"]

    private func reportServiceKeys(_ project: Project, decoded: [String: DecodedService]) {
        var users: [String: [String]] = [:]
        for name in project.services.keys.sorted() {
            guard let service = project.services[name] else { continue }
            // An image adapter keeps its data in the mount at its data path; other processes see the host's files.
            for (key, value) in service.notEmulated where !(key == "volumes" && service.imageRun != nil)
                && !Self.emulatedServiceKeys.contains(key) && !Self.isModelled(key, value) {
                users[key, default: []].append(name)
            }
        }
        for key in users.keys.sorted() {
            let services = users[key] ?? []
            let first = services[0]
            let position = decoded[first]?.node[key]?.position
            log.warning("\"\(key)\" is accepted but not emulated (used by \(services.joined(separator: ", "))); see docs/compose-compatibility.md", at: position, path: "services.\(first).\(key)")
        }
    }

    /// `deploy.update_config` and `rollback_config` are kept for `config` but acted on by `slipway deploy`.
    private static func isModelled(_ key: String, _ value: ComposeValue) -> Bool {
        guard key == "deploy", case let .mapping(pairs) = value else { return false }
        return pairs.allSatisfy { ["update_config", "rollback_config"].contains($0.key) }
    }
}
