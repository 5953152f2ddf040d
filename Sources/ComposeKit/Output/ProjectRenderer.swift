/// The normalized project as a compose document, the way `slipway config` prints
/// it: valid compose-spec, every value resolved, services sorted by name.
public enum ProjectRenderer {
    public static func render(_ project: Project) -> ComposeValue {
        var document: [(key: String, value: ComposeValue)] = [("name", .string(project.name))]
        let services = project.services.keys.sorted().compactMap { name in
            project.services[name].map { (key: name, value: render($0)) }
        }
        document.append(("services", .mapping(services)))
        let resources: [(String, ComposeValue?)] = [
            ("networks", project.networks), ("volumes", project.volumes), ("secrets", project.secrets),
            ("configs", project.configs), ("models", project.models),
        ]
        for case let (key, value?) in resources {
            document.append((key, value))
        }
        for key in project.extensions.keys.sorted() {
            document.append((key, project.extensions[key] ?? .null))
        }
        return .mapping(document)
    }

    public static func render(_ service: Service) -> ComposeValue {
        var fields = OrderedFields()
        fields.add("image", service.image.map(ComposeValue.string))
        fields.add("build", service.build)
        fields.add("command", service.command.map(render))
        fields.add("entrypoint", service.entrypoint.map(render))
        fields.add("environment", environment(service.environment))
        fields.add("env_file", service.envFiles.isEmpty ? nil : .array(service.envFiles.map { file in
            .mapping([("path", .string(file.path)), ("required", .bool(file.required))] + (file.raw ? [("format", .string("raw"))] : []))
        }))
        fields.add("working_dir", service.workingDir.map(ComposeValue.string))
        fields.add("user", service.user.map(ComposeValue.string))
        fields.add("depends_on", service.dependsOn.isEmpty ? nil : .mapping(service.dependsOn.keys.sorted().map { name in
            (name, render(service.dependsOn[name] ?? Dependency()))
        }))
        fields.add("healthcheck", service.healthcheck.map(render))
        fields.add("ports", service.ports.isEmpty ? nil : .array(service.ports.map(render)))
        fields.add("expose", service.expose.isEmpty ? nil : .array(service.expose.map { .string(String($0)) }))
        fields.add("restart", render(service.restart))
        fields.add("deploy", deploy(service))
        fields.add("stop_signal", service.stopSignal.map(ComposeValue.string))
        if service.stopGracePeriod != .seconds(10) {
            fields.add("stop_grace_period", .string(DurationParser.format(service.stopGracePeriod)))
        }
        fields.add("profiles", service.profiles.isEmpty ? nil : .array(service.profiles.map(ComposeValue.string)))
        fields.add("labels", service.labels.isEmpty ? nil : .mapping(service.labels.keys.sorted().map { ($0, .string(service.labels[$0] ?? "")) }))
        for key in service.notEmulated.keys.sorted() where key != "deploy" {
            fields.add(key, service.notEmulated[key])
        }
        fields.add("x-slipway", SlipwayExtensionRenderer.render(service.slipway))
        for key in service.extensions.keys.sorted() {
            fields.add(key, service.extensions[key])
        }
        return .mapping(fields.pairs)
    }

    static func render(_ command: CommandLine) -> ComposeValue {
        switch command {
        case let .shell(text): return .string(text)
        case let .exec(words): return .array(words.map(ComposeValue.string))
        }
    }

    private static func environment(_ environment: [String: String?]) -> ComposeValue? {
        guard !environment.isEmpty else { return nil }
        return .mapping(environment.keys.sorted().map { key in
            (key, environment[key].flatMap { $0 }.map(ComposeValue.string) ?? .null)
        })
    }

    private static func render(_ dependency: Dependency) -> ComposeValue {
        .mapping([
            ("condition", .string(dependency.condition.rawValue)),
            ("required", .bool(dependency.required)),
            ("restart", .bool(dependency.restart)),
        ])
    }

    private static func render(_ check: Healthcheck) -> ComposeValue {
        var fields = OrderedFields()
        switch check.test {
        case .none?: fields.add("test", .array([.string("NONE")]))
        case let .exec(words)?: fields.add("test", .array(([.string("CMD")] + words.map(ComposeValue.string))))
        case let .shell(text)?: fields.add("test", .array([.string("CMD-SHELL"), .string(text)]))
        case nil: break
        }
        fields.add("interval", .string(DurationParser.format(check.interval)))
        fields.add("timeout", .string(DurationParser.format(check.timeout)))
        fields.add("retries", .int(check.retries))
        fields.add("start_period", .string(DurationParser.format(check.startPeriod)))
        fields.add("start_interval", .string(DurationParser.format(check.startInterval)))
        if check.disabled { fields.add("disable", .bool(true)) }
        return .mapping(fields.pairs)
    }

    private static func render(_ port: PortMapping) -> ComposeValue {
        var fields = OrderedFields()
        fields.add("name", port.name.map(ComposeValue.string))
        fields.add("target", .int(port.target))
        fields.add("published", port.published.map { .string(String($0)) }
            ?? port.publishedRange.map { .string("\($0.lowerBound)-\($0.upperBound)") })
        fields.add("host_ip", port.hostIP.map(ComposeValue.string))
        fields.add("protocol", .string(port.protocol))
        fields.add("app_protocol", port.appProtocol.map(ComposeValue.string))
        fields.add("mode", port.mode.map(ComposeValue.string))
        return .mapping(fields.pairs)
    }

    private static func render(_ restart: RestartPolicy) -> ComposeValue? {
        switch restart {
        case .no: return nil
        case .always: return .string("always")
        case .unlessStopped: return .string("unless-stopped")
        case let .onFailure(retries): return .string(retries.map { "on-failure:\($0)" } ?? "on-failure")
        }
    }

    private static func deploy(_ service: Service) -> ComposeValue? {
        var pairs: [(key: String, value: ComposeValue)] = []
        if case let .mapping(others)? = service.notEmulated["deploy"] { pairs = others }
        if let policy = service.deployRestartPolicy {
            var fields = OrderedFields()
            fields.add("condition", .string(policy.condition.rawValue))
            fields.add("delay", policy.delay.map { .string(DurationParser.format($0)) })
            fields.add("max_attempts", policy.maxAttempts.map(ComposeValue.int))
            fields.add("window", policy.window.map { .string(DurationParser.format($0)) })
            pairs.append(("restart_policy", .mapping(fields.pairs)))
        }
        return pairs.isEmpty ? nil : .mapping(pairs)
    }
}

/// Ordered key/value pairs that skip absent values.
struct OrderedFields {
    private(set) var pairs: [(key: String, value: ComposeValue)] = []

    mutating func add(_ key: String, _ value: ComposeValue?) {
        if let value { pairs.append((key, value)) }
    }
}
