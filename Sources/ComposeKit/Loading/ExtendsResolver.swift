/// Resolves `extends` (short `extends: svc` and long `{service, file}`), chained
/// and across files, by merging the extended service under the extending one.
struct ExtendsResolver {
    let loader: ComposeFileLoader

    private var log: DiagnosticLog { loader.session.log }

    private struct Link: Equatable {
        var file: String
        var service: String
    }

    func resolveAll(in fileNode: YAMLNode, file: String) -> YAMLNode {
        guard let services = fileNode["services"], let entries = services.entries else { return fileNode }
        guard entries.contains(where: { $0.value["extends"] != nil }) else { return fileNode }
        var resolvedEntries = entries
        for index in resolvedEntries.indices where resolvedEntries[index].value["extends"] != nil {
            let name = resolvedEntries[index].key
            if let resolved = resolve(name, services: services, file: file, chain: []) {
                resolvedEntries[index].value = resolved
            }
        }
        var resolvedServices = services
        resolvedServices.content = .mapping(resolvedEntries)
        var result = fileNode
        result.content = .mapping((fileNode.entries ?? []).map { entry in
            entry.key == "services" ? YAMLNode.Entry(key: "services", keyPosition: entry.keyPosition, value: resolvedServices) : entry
        })
        return result
    }

    private func resolve(_ name: String, services: YAMLNode, file: String, chain: [Link]) -> YAMLNode? {
        let link = Link(file: file, service: name)
        let path = "services.\(name).extends"
        guard let service = services[name] else { return nil }
        guard let extends = service["extends"] else { return service }
        if chain.contains(link) {
            let cycle = (chain + [link]).map(\.service).joined(separator: " → ")
            log.error("extends cycle: \(cycle)", at: extends.position, path: path)
            return nil
        }
        guard let target = parse(extends, path: path, file: file) else { return nil }
        let baseServices: YAMLNode
        if target.file == file {
            baseServices = services
        } else {
            guard let other = loader.interpolatedFile(target.file) else { return nil }
            baseServices = other["services"] ?? YAMLNode(.mapping([]), at: other.position)
        }
        guard baseServices[target.service] != nil else {
            log.error("extends names service \"\(target.service)\", which \(loader.session.contents.displayName(target.file)) does not define", at: extends.position, path: path)
            return nil
        }
        guard var base = resolve(target.service, services: baseServices, file: target.file, chain: chain + [link]) else { return nil }
        let baseDirectory = loader.workingDirectory(of: target.file)
        if baseDirectory != loader.baseDirectory {
            base = PathRebaser.rebase(base, from: baseDirectory)
        }
        base = withoutExtends(base)
        return NodeMerger.mergeService(base, withoutExtends(service))
    }

    private func parse(_ extends: YAMLNode, path: String, file: String) -> Link? {
        if let name = extends.scalarText, !extends.isNull {
            return Link(file: file, service: name)
        }
        let reader = ValueReader(log: log)
        guard let entries = reader.mapping(extends, path) else { return nil }
        reader.checkKeys(entries, allowed: ComposeKeys.extendsKeys, path)
        guard let serviceNode = extends["service"] else {
            reader.fail(extends, path, "extends.service is required: name the service to extend")
            return nil
        }
        guard let service = reader.string(serviceNode, "\(path).service") else { return nil }
        guard let fileNode = extends["file"] else { return Link(file: file, service: service) }
        guard let other = reader.string(fileNode, "\(path).file") else { return nil }
        let directory = loader.workingDirectory(of: file)
        let otherPath = PathResolver.absolute(other, relativeTo: directory)
        guard loader.session.contents.exists(otherPath) else {
            reader.fail(fileNode, "\(path).file", "extended file \(otherPath) does not exist")
            return nil
        }
        return Link(file: otherPath, service: service)
    }

    private func withoutExtends(_ service: YAMLNode) -> YAMLNode {
        var result = service
        result.content = .mapping((service.entries ?? []).filter { $0.key != "extends" })
        return result
    }
}
