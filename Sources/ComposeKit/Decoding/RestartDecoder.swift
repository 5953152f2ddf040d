/// `restart` and `deploy` (whose `restart_policy` is modelled; the rest is kept).
struct RestartDecoder {
    let reader: ValueReader

    func restart(_ node: YAMLNode, _ path: String) -> RestartPolicy? {
        guard let text = reader.string(node, path) else { return nil }
        switch text {
        case "no", "": return .no
        case "always": return .always
        case "unless-stopped": return .unlessStopped
        case "on-failure": return .onFailure(maxRetries: nil)
        default:
            if text.hasPrefix("on-failure:"), let count = Int(text.dropFirst("on-failure:".count)), count >= 0 {
                return .onFailure(maxRetries: count)
            }
            reader.fail(node, path, "expected no, always, on-failure[:max-retries] or unless-stopped, got \"\(text)\"")
            return nil
        }
    }

    func deploy(_ node: YAMLNode, _ path: String, into service: inout Service) {
        guard let entries = reader.mapping(node, path) else { return }
        var others: [(key: String, value: ComposeValue)] = []
        for entry in entries {
            switch entry.key {
            case "restart_policy":
                service.deployRestartPolicy = restartPolicy(entry.value, "\(path).restart_policy")
            case "update_config", "rollback_config":
                let config = updateConfig(entry.value, "\(path).\(entry.key)")
                if entry.key == "update_config" { service.updateConfig = config } else { service.rollbackConfig = config }
                others.append((entry.key, entry.value.resolved))
            default:
                others.append((entry.key, entry.value.resolved))
            }
        }
        if !others.isEmpty { service.notEmulated["deploy"] = .mapping(others) }
    }

    private func restartPolicy(_ node: YAMLNode, _ path: String) -> DeployRestartPolicy? {
        guard let entries = reader.mapping(node, path) else { return nil }
        reader.checkKeys(entries, allowed: ComposeKeys.restartPolicyKeys, path)
        var policy = DeployRestartPolicy()
        if let condition = node["condition"], let text = reader.string(condition, "\(path).condition") {
            if let parsed = DeployRestartPolicy.Condition(rawValue: text) {
                policy.condition = parsed
            } else {
                reader.fail(condition, "\(path).condition", "expected none, on-failure or any, got \"\(text)\"")
            }
        }
        policy.delay = node["delay"].flatMap { reader.duration($0, "\(path).delay") }
        policy.maxAttempts = node["max_attempts"].flatMap { reader.int($0, "\(path).max_attempts") }
        policy.window = node["window"].flatMap { reader.duration($0, "\(path).window") }
        return policy
    }

    private func updateConfig(_ node: YAMLNode, _ path: String) -> UpdateConfig? {
        guard let entries = reader.mapping(node, path) else { return nil }
        reader.checkKeys(entries, allowed: ComposeKeys.updateConfigKeys, path)
        var config = UpdateConfig()
        config.order = node["order"].flatMap {
            reader.oneOf($0, "\(path).order", UpdateConfig.Order.init(rawValue:), "start-first or stop-first")
        }
        config.failureAction = node["failure_action"].flatMap {
            reader.oneOf($0, "\(path).failure_action", UpdateConfig.FailureAction.init(rawValue:), "rollback, pause or continue")
        }
        config.monitor = node["monitor"].flatMap { reader.duration($0, "\(path).monitor") }
        config.delay = node["delay"].flatMap { reader.duration($0, "\(path).delay") }
        return config
    }
}
