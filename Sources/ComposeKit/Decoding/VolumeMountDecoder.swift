/// `volumes` of a service, short (`name:/path[:ro]`, `./dir:/path`, `/path`)
/// and long (`type`, `source`, `target`, `read_only`) syntax, read after the
/// entries' shape was checked. Entries Slipway cannot act on (`tmpfs`, a
/// relative container path) are kept for `config` only, as before.
struct VolumeMountDecoder {
    /// Relative bind sources resolve against it, as compose does.
    let projectDirectory: String

    func decode(_ node: YAMLNode) -> [VolumeMount] {
        (node.items ?? []).compactMap { item in
            if item.entries != nil { return long(item) }
            guard let text = item.scalarText, !item.isNull else { return nil }
            return short(text)
        }
    }

    private func short(_ text: String) -> VolumeMount? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return mount(source: nil, target: parts[0], readOnly: false)
        case 2, 3:
            let options = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
            return mount(source: parts[0], target: parts[1], readOnly: options.contains("ro"))
        default: return nil
        }
    }

    private func long(_ node: YAMLNode) -> VolumeMount? {
        let type = node["type"]?.scalarText ?? "volume"
        guard type == "volume" || type == "bind", let target = node["target"]?.scalarText else { return nil }
        let source = node["source"]?.scalarText
        let readOnly = node["read_only"]?.scalarText.flatMap(ScalarResolver.bool) ?? false
        if type == "bind", source == nil { return nil }
        return mount(source: source, target: target, readOnly: readOnly, bind: type == "bind")
    }

    private func mount(source: String?, target: String, readOnly: Bool, bind: Bool = false) -> VolumeMount? {
        guard target.hasPrefix("/") else { return nil }
        guard let source, !source.isEmpty else { return VolumeMount(source: .anonymous, target: target, readOnly: readOnly) }
        if bind || source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~") {
            let host = PathResolver.absolute(source, relativeTo: projectDirectory)
            return VolumeMount(source: .bind(host), target: target, readOnly: readOnly)
        }
        return VolumeMount(source: .volume(source), target: target, readOnly: readOnly)
    }
}
