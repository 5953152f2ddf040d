/// The service-level `x-slipway` block. Unknown keys are errors so a typo never
/// silently changes how a service runs.
struct SlipwayExtensionDecoder {
    let reader: ValueReader

    func decode(_ node: YAMLNode, _ path: String) -> SlipwayExtension {
        var settings = SlipwayExtension()
        guard let entries = reader.mapping(node, path) else { return settings }
        reader.checkKeys(entries, allowed: ComposeKeys.slipwayKeys, path, extensions: false)
        for entry in entries {
            let value = entry.value
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "command": settings.command = reader.commandLine(value, keyPath)
            case "release": settings.release = reader.commandLine(value, keyPath)
            case "health_path": settings.healthPath = healthPath(value, keyPath)
            case "proxy": settings.proxy = proxyMode(value, keyPath)
            case "restart_on_unhealthy": settings.restartOnUnhealthy = reader.bool(value, keyPath) ?? false
            case "deploy": settings.deploy = deploy(value, keyPath)
            default: break
            }
        }
        return settings
    }

    private func healthPath(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = reader.string(node, path) else { return nil }
        guard text.hasPrefix("/") else {
            reader.fail(node, path, "expected an HTTP path starting with \"/\", got \"\(text)\"")
            return nil
        }
        return text
    }

    private func proxyMode(_ node: YAMLNode, _ path: String) -> SlipwayExtension.ProxyMode? {
        guard let text = reader.string(node, path) else { return nil }
        guard let mode = SlipwayExtension.ProxyMode(rawValue: text) else {
            reader.fail(node, path, "expected tcp or http, got \"\(text)\"")
            return nil
        }
        return mode
    }

    private func deploy(_ node: YAMLNode, _ path: String) -> DeploySettings {
        var settings = DeploySettings()
        guard let entries = reader.mapping(node, path) else { return settings }
        reader.checkKeys(entries, allowed: ComposeKeys.slipwayDeployKeys, path, extensions: false)
        for entry in entries {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "strategy":
                settings.strategy = reader.oneOf(entry.value, keyPath, DeploySettings.Strategy.init(rawValue:), "blue-green or recreate")
            case "drain": settings.drain = reader.duration(entry.value, keyPath) ?? settings.drain
            case "keep_previous": settings.keepPrevious = reader.duration(entry.value, keyPath) ?? settings.keepPrevious
            case "monitor": settings.monitor = reader.duration(entry.value, keyPath) ?? settings.monitor
            case "rollback_after_failures":
                settings.rollbackAfterFailures = reader.int(entry.value, keyPath) ?? settings.rollbackAfterFailures
            default: break
            }
        }
        return settings
    }
}
