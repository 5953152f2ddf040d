import Foundation
import SlipwayTestSupport
import Testing

/// `slipway config` output validates against the official compose-spec JSON
/// schema, with the validator in ../shared/compose-spec.
enum ConfigSchema {
    static let sharedRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").standardizedFileURL.path
    static let validator = sharedRoot + "/compose-spec/validate.py"
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: validator) }
}

@Suite(.enabled(if: ConfigSchema.isAvailable, "../shared/compose-spec is absent; the schema tests need its validate.py"))
struct ConfigSchemaTests {

    static let richProject = """
    name: schema-check
    x-defaults: &defaults
      restart: on-failure:5
      labels: {team: core}
    services:
      db:
        <<: *defaults
        command: ["postgres", "-D", "${PGDATA:-/var/lib/pg}"]
        environment: [POSTGRES_PASSWORD=secret, "PRICE=$$5", UNSET_IN_SHELL]
        healthcheck:
          test: pg_isready -U postgres
          interval: 10s
          start_period: 1m30s
        ports: ["127.0.0.1:5432:5432", "[::1]:5433:5432/udp"]
        stop_signal: SIGINT
        stop_grace_period: 1m
        volumes: [db-data:/var/lib/postgresql/data]
      web:
        <<: *defaults
        image: shop/web:1.0
        build: {context: ., args: {VERSION: "1.0"}}
        command: python3 -m http.server $${PORT}
        entrypoint: [tini, --]
        env_file: [{path: web.env, required: false}]
        working_dir: app
        user: "1000"
        depends_on:
          db: {condition: service_healthy, restart: true}
        ports:
          - "8000-8002:8000-8002"
          - "9000"
          - target: 9100
            published: "9100-9110"
            app_protocol: http
            name: metrics
        expose: ["7000-7001", 7002]
        deploy:
          replicas: 1
          restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
        healthcheck: {disable: true}
        x-slipway:
          command: ["python3", "app.py"]
          health_path: /health/
          proxy: http
          release: ./migrate
          deploy: {drain: 10s, rollback_after_failures: 2}
    volumes:
      db-data: {}
    """

    private func validate(_ files: [String]) async throws -> (status: Int32, report: String) {
        let report = try CapturedOutput()
        let process: ChildProcess
        do {
            defer { report.childStarted() }
            process = try ChildProcess(
                "/usr/bin/env", ["python3", ConfigSchema.validator, "--quiet"] + files, stdout: report.writeEnd,
                stderr: report.writeEnd)
        }
        let status = try await process.waitUntilExit(within: .seconds(90))
        let end = ContinuousClock.now + .seconds(15)
        while !report.closed, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(5)) }
        return (status, report.text)
    }

    @Test(arguments: ["yaml", "json"])
    func configOutputOfARichProjectIsValidComposeSpec(format: String) async throws {
        let project = try ConfigProject(["compose.yaml": Self.richProject])
        let run = try await project.run(["config", "--format", format])
        #expect(run.status == 0, "\(run.errors)")
        let output = project.directory + "/config-output.\(format)"
        try run.output.write(toFile: output, atomically: true, encoding: .utf8)
        let result = try await validate([output])
        #expect(result.status == 0, "\(result.report)")
    }

    @Test func configOutputOfEveryAwesomeComposeProjectIsValidComposeSpec() async throws {
        let projects = ConfigSchema.sharedRoot + "/compose-corpus/awesome-compose/projects"
        let names = try FileManager.default.contentsOfDirectory(atPath: projects).sorted()
        #expect(names.count == 39)
        let outputs = try ConfigProject([:])
        try FileManager.default.createDirectory(atPath: outputs.directory, withIntermediateDirectories: true)
        var files: [String] = []
        for name in names {
            let run = try await ConfigRun(["config"], in: projects + "/" + name)
            #expect(run.status == 0, "\(name): \(run.errors)")
            let file = outputs.directory + "/\(name).yaml"
            try run.output.write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        let result = try await validate(files)
        #expect(result.status == 0, "\(result.report)")
    }
}
