/// `x-slipway` as `config` prints it: only what differs from the defaults, so a
/// file that does not use the extension shows none.
enum SlipwayExtensionRenderer {
    static func render(_ settings: SlipwayExtension) -> ComposeValue? {
        let defaults = SlipwayExtension()
        var fields = OrderedFields()
        fields.add("command", settings.command.map(ProjectRenderer.render))
        fields.add("health_path", settings.healthPath.map(ComposeValue.string))
        fields.add("proxy", settings.proxy.map { .string($0.rawValue) })
        if settings.restartOnUnhealthy != defaults.restartOnUnhealthy {
            fields.add("restart_on_unhealthy", .bool(settings.restartOnUnhealthy))
        }
        fields.add("release", settings.release.map(ProjectRenderer.render))
        fields.add("deploy", deploy(settings.deploy, defaults: defaults.deploy))
        return fields.pairs.isEmpty ? nil : .mapping(fields.pairs)
    }

    private static func deploy(_ settings: DeploySettings, defaults: DeploySettings) -> ComposeValue? {
        var fields = OrderedFields()
        fields.add("strategy", settings.strategy.map { .string($0.rawValue) })
        if settings.drain != defaults.drain { fields.add("drain", .string(DurationParser.format(settings.drain))) }
        if settings.keepPrevious != defaults.keepPrevious { fields.add("keep_previous", .string(DurationParser.format(settings.keepPrevious))) }
        if settings.monitor != defaults.monitor { fields.add("monitor", .string(DurationParser.format(settings.monitor))) }
        if settings.rollbackAfterFailures != defaults.rollbackAfterFailures {
            fields.add("rollback_after_failures", .int(settings.rollbackAfterFailures))
        }
        return fields.pairs.isEmpty ? nil : .mapping(fields.pairs)
    }
}
