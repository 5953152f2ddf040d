/// `ports` (short and long syntax) and `expose`.
struct PortDecoder {
    let reader: ValueReader

    /// Each mapping with the place it was written; equal mappings are kept once (compose's unicity rule).
    func decodePorts(_ node: YAMLNode, _ path: String) -> [(mapping: PortMapping, position: SourcePosition)] {
        guard let items = reader.sequence(node, path) else { return [] }
        var mappings: [(mapping: PortMapping, position: SourcePosition)] = []
        func add(_ mapping: PortMapping, _ position: SourcePosition) {
            if !mappings.contains(where: { $0.mapping == mapping }) { mappings.append((mapping, position)) }
        }
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            if item.entries != nil {
                if let mapping = longPort(item, itemPath) { add(mapping, item.position) }
            } else if let text = reader.string(item, itemPath) {
                do {
                    for mapping in try PortParser.parseShort(text) { add(mapping, item.position) }
                } catch {
                    reader.fail(item, itemPath, error.message)
                }
            }
        }
        return mappings
    }

    private func longPort(_ node: YAMLNode, _ path: String) -> PortMapping? {
        let entries = node.entries ?? []
        reader.checkKeys(entries, allowed: ComposeKeys.longPortKeys, path)
        guard let targetNode = node["target"] else {
            reader.fail(node, path, "missing required key \"target\" (the container port)")
            return nil
        }
        guard let target = port(targetNode, "\(path).target") else { return nil }
        var mapping = PortMapping(target: target)
        if let published = node["published"], !published.isNull, let text = reader.string(published, "\(path).published") {
            do {
                let range = try PortParser.parsePublished(text)
                if range.count == 1 { mapping.published = range.lowerBound } else { mapping.publishedRange = range }
            } catch {
                reader.fail(published, "\(path).published", error.message)
            }
        }
        if let hostIP = node["host_ip"], let text = reader.string(hostIP, "\(path).host_ip") {
            if PortParser.isIPAddress(text) {
                mapping.hostIP = text
            } else {
                reader.fail(hostIP, "\(path).host_ip", "invalid ip address: \(text)")
            }
        }
        if let proto = node["protocol"] { mapping.protocol = reader.string(proto, "\(path).protocol") ?? "tcp" }
        mapping.name = node["name"].flatMap { reader.string($0, "\(path).name") }
        mapping.appProtocol = node["app_protocol"].flatMap { reader.string($0, "\(path).app_protocol") }
        mapping.mode = node["mode"].flatMap { reader.string($0, "\(path).mode") }
        return mapping
    }

    private func port(_ node: YAMLNode, _ path: String) -> Int? {
        guard let number = reader.int(node, path) else { return nil }
        guard (0...65535).contains(number) else {
            reader.fail(node, path, "expected a port from 0 to 65535, got \(number)")
            return nil
        }
        return number
    }

    func decodeExpose(_ node: YAMLNode, _ path: String) -> [Int] {
        guard let items = reader.sequence(node, path) else { return [] }
        var ports: [Int] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let text = reader.string(item, itemPath) else { continue }
            let spec = text.split(separator: "/", maxSplits: 1).first.map(String.init) ?? text
            do {
                let mappings = try PortParser.parseShort(spec)
                guard mappings.allSatisfy({ $0.published == nil && $0.publishedRange == nil && $0.hostIP == nil }) else {
                    reader.fail(item, itemPath, "expected a container port or range like \"3000\" or \"3000-3005\", got \"\(text)\"")
                    continue
                }
                ports += mappings.map(\.target)
            } catch {
                reader.fail(item, itemPath, error.message)
            }
        }
        return ports
    }
}
