/// Merges an override file's YAML onto the files before it, by compose's rules:
/// mappings merge, scalars are replaced, `command`/`entrypoint`/`healthcheck.test`
/// are replaced, key/value keys (`environment`, `labels`, `depends_on`, …) merge
/// by key whatever form each side uses, list keys (`ports`, `expose`, …) append
/// without duplicates, `!reset` removes and `!override` replaces.
enum NodeMerger {
    /// Service keys whose lists are replaced, never appended.
    private static let replacedKeys: Set<String> = ["command", "entrypoint"]
    /// Service keys written as a `KEY=VALUE` list or a mapping; they merge by key.
    private static let keyedKeys: Set<String> = ["environment", "labels", "annotations", "sysctls", "depends_on", "networks"]
    /// Keyed values inside nested blocks (`build.args`, `deploy.labels`, …).
    private static let nestedKeyedKeys: Set<String> = ["args", "labels", "annotations", "additional_contexts"]
    /// Service keys that take one string or a list of them; they append without repeats.
    private static let stringOrListKeys: Set<String> = ["dns", "dns_search", "dns_opt", "tmpfs"]

    static func merge(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode {
        mergeTopLevel(base, override)
    }

    /// Removes `!reset` nodes that had nothing to reset and drops the tags.
    static func stripResets(_ node: YAMLNode) -> YAMLNode? {
        if node.tag == .reset { return nil }
        var result = node
        result.tag = .none
        switch node.content {
        case .scalar: break
        case let .sequence(items): result.content = .sequence(items.compactMap(stripResets))
        case let .mapping(entries):
            result.content = .mapping(entries.compactMap { entry in
                stripResets(entry.value).map { YAMLNode.Entry(key: entry.key, keyPosition: entry.keyPosition, value: $0) }
            })
        }
        return result
    }

    private static func mergeTopLevel(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode {
        mergeMappings(base, override) { key, baseValue, overrideValue in
            guard key == "services" else { return mergeGeneric(baseValue, overrideValue) }
            return mergeMappings(baseValue, overrideValue) { _, baseService, overrideService in
                mergeService(baseService, overrideService)
            }
        }
    }

    static func mergeService(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode? {
        if case let .decided(node) = applyTag(override) { return node }
        return mergeMappings(base, override) { key, baseValue, overrideValue in
            mergeServiceKey(key, baseValue, overrideValue)
        }
    }

    private static func mergeServiceKey(_ key: String, _ base: YAMLNode, _ override: YAMLNode) -> YAMLNode? {
        if case let .decided(node) = applyTag(override) { return node }
        switch key {
        case _ where replacedKeys.contains(key):
            return override
        case _ where keyedKeys.contains(key):
            return mergeGeneric(KeyedForm.mapping(base, key: key), KeyedForm.mapping(override, key: key))
        case "build":
            return mergeGeneric(KeyedForm.buildMapping(base), KeyedForm.buildMapping(override))
        case "healthcheck":
            return mergeMappings(base, override) { field, baseValue, overrideValue in
                field == "test" ? overrideValue : mergeGeneric(baseValue, overrideValue)
            }
        case "env_file":
            return appendUnique(KeyedForm.list(base), KeyedForm.list(override), identity: KeyedForm.envFilePath)
        case _ where stringOrListKeys.contains(key):
            return appendUnique(KeyedForm.list(base), KeyedForm.list(override)) { $0.resolved }
        case "extra_hosts":
            return appendUnique(KeyedForm.hostList(base), KeyedForm.hostList(override)) { $0.resolved }
        case "volumes":
            return appendUnique(base, override, identity: KeyedForm.volumeTarget)
        default:
            return mergeGeneric(base, override)
        }
    }

    /// Mappings merge key by key (with nested keyed blocks normalized); lists
    /// append without duplicates; anything else is replaced by the override.
    static func mergeGeneric(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode? {
        if case let .decided(node) = applyTag(override) { return node }
        if base.entries != nil, override.entries != nil {
            return mergeMappings(base, override) { key, baseValue, overrideValue in
                if nestedKeyedKeys.contains(key) {
                    return mergeGeneric(KeyedForm.mapping(baseValue, key: key), KeyedForm.mapping(overrideValue, key: key))
                }
                return mergeGeneric(baseValue, overrideValue)
            }
        }
        if base.items != nil, override.items != nil {
            return appendUnique(base, override) { $0.resolved }
        }
        return override
    }

    private enum TagOutcome {
        case untagged
        /// nil removes the key (`!reset`); a node replaces the base (`!override`).
        case decided(YAMLNode?)
    }

    private static func applyTag(_ override: YAMLNode) -> TagOutcome {
        switch override.tag {
        case .reset: return .decided(nil)
        case .override: return .decided(stripResets(override))
        case .none: return .untagged
        }
    }

    private static func mergeMappings(
        _ base: YAMLNode,
        _ override: YAMLNode,
        mergeValue: (String, YAMLNode, YAMLNode) -> YAMLNode?
    ) -> YAMLNode {
        guard var entries = base.entries, let overrideEntries = override.entries else { return override }
        for entry in overrideEntries {
            if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                if let merged = mergeValue(entry.key, entries[index].value, entry.value) {
                    entries[index].value = merged
                } else {
                    entries.remove(at: index)
                }
            } else if let kept = stripResets(entry.value) {
                entries.append(YAMLNode.Entry(key: entry.key, keyPosition: entry.keyPosition, value: kept))
            }
        }
        var result = base
        result.content = .mapping(entries)
        return result
    }

    private static func appendUnique<Identity: Hashable>(
        _ base: YAMLNode,
        _ override: YAMLNode,
        identity: (YAMLNode) -> Identity
    ) -> YAMLNode {
        guard let baseItems = base.items, let overrideItems = override.items else { return override }
        var items = baseItems
        var indexByIdentity: [Identity: Int] = [:]
        for (index, item) in items.enumerated() where indexByIdentity[identity(item)] == nil {
            indexByIdentity[identity(item)] = index
        }
        for item in overrideItems {
            let key = identity(item)
            if let index = indexByIdentity[key] {
                items[index] = item
            } else {
                indexByIdentity[key] = items.count
                items.append(item)
            }
        }
        var result = base
        result.content = .sequence(items)
        return result
    }
}
