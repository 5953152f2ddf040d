import Testing
@testable import ComposeKit

/// Every validation error names its file, line, column and key path, and all of
/// them come back from one load.
@Suite struct ValidationTests {
    private func diagnostics(_ yaml: String, requireCommands: Bool = false, environment: [String: String] = [:]) throws -> [ComposeDiagnostic] {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", yaml)
        return directory.errors(environment: environment) { $0.requireCommands = requireCommands }
    }

    private func expectError(
        _ diagnostics: [ComposeDiagnostic], line: Int, column: Int, path: String, containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let match = diagnostics.first { $0.position?.line == line && $0.position?.column == column && $0.path == path && $0.message.contains(text) }
        #expect(match != nil, "no error at \(line):\(column) \(path) containing \"\(text)\" in:\n\(diagnostics.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test func loggingSizeOptionsBecomeTheLogLimitsAndBadOnesAreErrors() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          small:
            command: run
            logging:
              driver: json-file
              options: {max-size: 1m, max-file: "3"}
          unbounded:
            command: run
            logging: {options: {max-size: "-1"}}
          plain:
            command: run
        """)
        let project = try directory.load().project
        #expect(project.services["small"]?.logLimits == LogLimits(maxSize: 1 << 20, maxFiles: 3))
        #expect(project.services["unbounded"]?.logLimits == LogLimits(maxSize: nil, maxFiles: 5))
        #expect(project.services["plain"]?.logLimits == .standard)

        let errors = try diagnostics("""
        services:
          web:
            command: run
            logging:
              options:
                max-size: ten
                max-file: 0
        """)
        expectError(errors, line: 6, column: 19, path: "services.web.logging.options.max-size", containing: "expected a size like 10m")
        expectError(errors, line: 7, column: 19, path: "services.web.logging.options.max-file", containing: "expected a number of files from 1 to 1000")
    }

    @Test func dotNamesCannotWalkOutOfTheirDirectory() throws {
        let errors = try diagnostics("""
        services:
          ..:
            command: run
          .:
            command: run
          ok.name:
            command: run
        volumes:
          ..: {}
          data: {}
        """)
        expectError(errors, line: 2, column: 3, path: "services", containing: "invalid service name \"..\"")
        expectError(errors, line: 4, column: 3, path: "services", containing: "invalid service name \".\"")
        expectError(errors, line: 9, column: 3, path: "volumes", containing: "invalid volume name \"..\"")
        #expect(errors.count == 3, "\(errors)")
        #expect(errors.contains { $0.description.contains("compose.yaml:2:3: services: invalid service name") }, "\(errors)")
    }

    @Test func allErrorsOfAFileComeBackTogether() throws {
        let errors = try diagnostics("""
        services:
          web:
            command: run
            healthcheck:
              interval: ten
              retries: many
            ports:
              - "80:80:80:80"
            restart: sometimes
            imgae: nginx
            depends_on: [ghost]
          "bad name!":
            command: run
        """)
        expectError(errors, line: 5, column: 17, path: "services.web.healthcheck.interval", containing: "expected a duration like 10s or 1m30s, got \"ten\"")
        expectError(errors, line: 6, column: 16, path: "services.web.healthcheck.retries", containing: "must be an integer, got \"many\"")
        expectError(errors, line: 8, column: 9, path: "services.web.ports[0]", containing: "invalid port \"80:80:80:80\"")
        expectError(errors, line: 9, column: 14, path: "services.web.restart", containing: "expected no, always, on-failure[:max-retries] or unless-stopped")
        expectError(errors, line: 10, column: 5, path: "services.web", containing: "unknown key \"imgae\"; did you mean \"image\"?")
        expectError(errors, line: 11, column: 18, path: "services.web.depends_on", containing: "depends on undefined service \"ghost\"")
        expectError(errors, line: 12, column: 3, path: "services", containing: "invalid service name \"bad name!\"")
        #expect(errors.count == 7)
        #expect(errors.allSatisfy { $0.position?.file == "compose.yaml" })
    }

    @Test func wrongTypesNameWhatWasExpected() throws {
        let errors = try diagnostics("""
        services:
          web:
            image: [a]
            command: {a: b}
            environment: 3
            stop_grace_period: soon
            profiles: web
        """)
        expectError(errors, line: 3, column: 12, path: "services.web.image", containing: "must be a string, got a list")
        expectError(errors, line: 4, column: 14, path: "services.web.command", containing: "must be a string or a list of strings")
        expectError(errors, line: 5, column: 18, path: "services.web.environment", containing: "must be a mapping or a list")
        expectError(errors, line: 6, column: 24, path: "services.web.stop_grace_period", containing: "expected a duration")
        expectError(errors, line: 7, column: 15, path: "services.web.profiles", containing: "must be a list")
    }

    @Test func dependencyCycleIsPrintedAsAPath() throws {
        let errors = try diagnostics("""
        services:
          a: {command: x, depends_on: [b]}
          b: {command: x, depends_on: [c]}
          c: {command: x, depends_on: [a]}
        """)
        expectError(errors, line: 2, column: 32, path: "services.a.depends_on", containing: "dependency cycle detected: a → b → c → a")
        #expect(errors.count == 1)
    }

    @Test func twoServicesOnOneHostAddressIsAnError() throws {
        let errors = try diagnostics("""
        services:
          a:
            command: x
            ports: ["8080:80"]
          b:
            command: x
            ports: ["127.0.0.1:8080:81", "0.0.0.0:9090:90", "9090:91/udp"]
          c:
            command: x
            ports: ["10.0.0.1:9090:92"]
        """)
        expectError(errors, line: 7, column: 13, path: "services.b.ports", containing: "host address 127.0.0.1:8080/tcp is already published by service \"a\"")
        expectError(errors, line: 10, column: 13, path: "services.c.ports", containing: "10.0.0.1:9090/tcp is already published by service \"b\"")
        #expect(errors.count == 2)
    }

    @Test func missingCommandIsAnErrorAtUpAndAWarningAtConfig() throws {
        let yaml = "services:\n  db:\n    image: mysql:8\n"
        let atUp = try diagnostics(yaml, requireCommands: true)
        expectError(atUp, line: 3, column: 5, path: "services.db", containing: "neither command nor x-slipway.command")
        expectError(atUp, line: 3, column: 5, path: "services.db", containing: "known images: postgres, rabbitmq, redis")
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", yaml)
        let loaded = try directory.load()
        #expect(loaded.warnings.contains { $0.message.contains("neither command nor x-slipway.command") })
    }

    @Test func linksAndServiceNamespacesAreDependenciesToo() throws {
        let errors = try diagnostics("""
        services:
          db: {command: x}
          web:
            command: x
            links: [db, cache]
            network_mode: service:db
        """)
        expectError(errors, line: 5, column: 17, path: "services.web.depends_on", containing: "depends on undefined service \"cache\"")
        #expect(errors.count == 1)
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  db: {command: x}\n  web: {command: x, links: [db]}\n")
        #expect(try directory.load().project.services["web"]?.dependsOn["db"] == Dependency(restart: true))
    }

    @Test func dependingOnAProfileDisabledServiceIsAnError() throws {
        let errors = try diagnostics("""
        services:
          web: {command: x, depends_on: [debugger]}
          debugger: {command: x, profiles: [debug]}
        """)
        expectError(errors, line: 2, column: 34, path: "services.web.depends_on", containing: "which is disabled by its profiles (debug); enable it with --profile debug")
    }

    @Test func slipwayBlockRejectsUnknownKeys() throws {
        let errors = try diagnostics("""
        services:
          web:
            x-slipway:
              command: run
              healthpath: /health
              proxy: udp
              deploy: {drain: 5s, keep: 1m}
        """)
        expectError(errors, line: 5, column: 7, path: "services.web.x-slipway", containing: "unknown key \"healthpath\"")
        expectError(errors, line: 6, column: 14, path: "services.web.x-slipway.proxy", containing: "expected tcp or http")
        expectError(errors, line: 7, column: 27, path: "services.web.x-slipway.deploy", containing: "unknown key \"keep\"")
    }

    @Test func healthPathWithoutAnyPortIsALoadError() throws {
        let errors = try diagnostics("""
        services:
          worker:
            command: run
            x-slipway: {health_path: /health}
          web:
            command: run
            expose: [8000]
            x-slipway: {health_path: /health}
        """)
        expectError(
            errors, line: 4, column: 30, path: "services.worker.x-slipway.health_path",
            containing: "declares no port; add `ports` or `expose`")
        #expect(errors.filter { $0.path.hasPrefix("services.web") }.isEmpty)
    }

    @Test func updateConfigAndStrategyAreReadAndCheckedWhereTheyAreWritten() throws {
        let errors = try diagnostics("""
        services:
          web:
            command: run
            deploy:
              update_config: {order: sideways, monitor: 30s, failure_action: rollback, delay: 2s, paralelism: 2}
            x-slipway: {deploy: {strategy: canary}}
        """)
        expectError(errors, line: 5, column: 30, path: "services.web.deploy.update_config.order", containing: "expected start-first or stop-first")
        expectError(errors, line: 5, column: 91, path: "services.web.deploy.update_config", containing: "unknown key \"paralelism\"")
        expectError(errors, line: 6, column: 36, path: "services.web.x-slipway.deploy.strategy", containing: "expected blue-green or recreate")
    }

    @Test func unknownTopLevelKeyAndMalformedResources() throws {
        let errors = try diagnostics("""
        services:
          web: {command: x}
        volumez: {}
        networks:
          front: 3
        """)
        expectError(errors, line: 3, column: 1, path: "", containing: "unknown key \"volumez\"")
        expectError(errors, line: 5, column: 10, path: "networks.front", containing: "must be a mapping")
    }

    @Test func healthcheckAndDependencyValuesAreChecked() throws {
        let errors = try diagnostics("""
        services:
          db: {command: x}
          web:
            command: x
            healthcheck:
              test: ["PING", "x"]
            depends_on:
              db: {condition: service_ready}
        """)
        expectError(errors, line: 6, column: 13, path: "services.web.healthcheck.test", containing: "expected [\"CMD\", args...]")
        expectError(errors, line: 8, column: 23, path: "services.web.depends_on.db.condition", containing: "expected one of service_started, service_healthy, service_completed_successfully")
    }

    @Test func requiredVariableErrorNamesItsPlace() throws {
        let errors = try diagnostics("""
        services:
          web:
            command: run ${TOKEN:?set TOKEN first}
        """)
        expectError(errors, line: 3, column: 14, path: "services.web.command", containing: "set TOKEN first")
    }

    @Test func unsetVariableIsAWarningWithItsPlace() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web:\n    command: run $MISSING\n")
        let loaded = try directory.load()
        let warning = try #require(loaded.warnings.first { $0.message.contains("MISSING") })
        #expect(warning.position?.line == 3)
        #expect(warning.path == "services.web.command")
        #expect(loaded.project.services["web"]?.command == .shell("run "))
    }
}

@Suite struct NotEmulatedKeyTests {
    @Test func keysThatAreNotEmulatedStillHaveTheirShapeChecked() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          web:
            command: x
            cap_add: NET_ADMIN
            ulimits: [nofile]
            container_name: {a: b}
            dns: 8.8.8.8
            sysctls: [net.core.somaxconn=1024]
        """)
        let errors = directory.errors()
        #expect(errors.map(\.path) == ["services.web.cap_add", "services.web.ulimits", "services.web.container_name"])
        #expect(errors.first?.message == "must be a list, got \"NET_ADMIN\"")
        #expect(errors.first?.position?.line == 4)
    }

    @Test func notEmulatedKeysAreReportedOncePerKey() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          a: {command: x, volumes: [/a], cap_add: [NET_ADMIN]}
          b: {command: x, volumes: [/b]}
        volumes:
          data: {}
        """)
        let warnings = try directory.load().warnings.filter { $0.message.contains("not emulated") }
        #expect(warnings.map(\.path) == ["services.a.cap_add", "services.a.volumes"])
        #expect(warnings.last?.message.contains("used by a, b") == true)
    }
}
