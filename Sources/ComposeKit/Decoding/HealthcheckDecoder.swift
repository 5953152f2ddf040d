/// `healthcheck` in every compose form, with compose's defaults for absent timings.
struct HealthcheckDecoder {
    let reader: ValueReader

    func decode(_ node: YAMLNode, _ path: String) -> Healthcheck? {
        guard let entries = reader.mapping(node, path) else { return nil }
        reader.checkKeys(entries, allowed: ComposeKeys.healthcheckKeys, path)
        var check = Healthcheck()
        for entry in entries {
            let value = entry.value
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "test": check.test = test(value, keyPath)
            case "interval": check.interval = reader.duration(value, keyPath) ?? check.interval
            case "timeout": check.timeout = reader.duration(value, keyPath) ?? check.timeout
            case "start_period": check.startPeriod = reader.duration(value, keyPath) ?? check.startPeriod
            case "start_interval": check.startInterval = reader.duration(value, keyPath) ?? check.startInterval
            case "retries":
                if let retries = reader.int(value, keyPath) {
                    if retries < 0 { reader.fail(value, keyPath, "must be 0 or more, got \(retries)") }
                    check.retries = retries
                }
            case "disable": check.disabled = reader.bool(value, keyPath) ?? false
            default: break
            }
        }
        return check
    }

    private func test(_ node: YAMLNode, _ path: String) -> Healthcheck.Test? {
        if node.isNull { return nil }
        if let text = node.scalarText { return .shell(text) }
        guard let words = reader.stringList(node, path) else { return nil }
        switch words.first {
        case "NONE":
            return Healthcheck.Test.none
        case "CMD" where words.count > 1:
            return .exec(Array(words.dropFirst()))
        case "CMD-SHELL" where words.count == 2:
            return .shell(words[1])
        default:
            reader.fail(node, path, "expected [\"CMD\", args...], [\"CMD-SHELL\", \"command\"], [\"NONE\"] or a string, got [\(words.map { "\"\($0)\"" }.joined(separator: ", "))]")
            return nil
        }
    }
}
