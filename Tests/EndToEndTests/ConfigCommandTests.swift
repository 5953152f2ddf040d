import Foundation
import SlipwayTestSupport
import Testing

/// One finished run of the built `slipway` binary (it sits next to the test
/// bundle): exit status, stdout and stderr. Output goes to files, so a large
/// output never blocks the child.
struct ConfigRun {
    var status: Int32
    var output: String
    var errors: String

    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("slipway").path
    }

    init(_ arguments: [String], in directory: String, environment: [String: String] = [:], input: String? = nil) async throws {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let paths = ["out", "err", "in"].map { capture.appendingPathComponent($0).path }
        try (input ?? "").write(toFile: paths[2], atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: paths[0]))
        try Data().write(to: URL(fileURLWithPath: paths[1]))

        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("COMPOSE_") }
        inherited.merge(environment) { $1 }
        let files = [open(paths[0], O_WRONLY | O_CLOEXEC), open(paths[1], O_WRONLY | O_CLOEXEC), open(paths[2], O_RDONLY | O_CLOEXEC)]
        defer { files.filter { $0 >= 0 }.forEach { close($0) } }
        let process = try ChildProcess(
            Self.binary, arguments, environment: inherited, directory: directory, stdin: files[2], stdout: files[0],
            stderr: files[1])
        status = try await process.waitUntilExit(within: .seconds(90))
        output = try String(contentsOfFile: paths[0], encoding: .utf8)
        errors = try String(contentsOfFile: paths[1], encoding: .utf8)
    }
}

/// A project directory of its own for one test.
final class ConfigProject {
    let directory: String

    init(_ files: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-config-\(UUID().uuidString)").resolvingSymlinksInPath().path
        for (name, text) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> ConfigRun {
        try await ConfigRun(arguments, in: directory, environment: environment, input: input)
    }
}

@Suite struct ConfigCommandTests {
    static let compose = """
    name: shop
    services:
      db:
        command: postgres -D ${PGDATA:-/tmp/pg}
        healthcheck: {test: pg_isready, interval: 10s}
      web:
        image: shop/web
        command: python3 -m http.server $${PORT}
        ports: ["8003:8000"]
        depends_on: {db: {condition: service_healthy}}
        volumes: [./data:/data]
      debug:
        command: sleep 1000
        profiles: [debug]
    """

    @Test func globalOptionsWorkBeforeAndAfterTheSubcommand() async throws {
        let project = try ConfigProject(["stack/a.yaml": Self.compose])
        let before = try await project.run(["-f", "stack/a.yaml", "-p", "demo", "config"])
        let after = try await project.run(["config", "-f", "stack/a.yaml", "-p", "demo"])
        let mixed = try await project.run(["--file=stack/a.yaml", "config", "--project-name", "demo"])
        #expect(before.status == 0, "\(before.errors)")
        #expect(before.output.hasPrefix("name: demo\n"))
        #expect(after.output == before.output)
        #expect(mixed.output == before.output)
    }

    @Test func printsTheResolvedProjectAndWarnsAboutWhatIsNotEmulated() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        let run = try await project.run(["config"])
        #expect(run.status == 0)
        #expect(run.output.contains("command: python3 -m http.server ${PORT}"))
        #expect(run.output.contains("command: postgres -D /tmp/pg"))
        #expect(run.output.contains("published: \"8003\""))
        #expect(!run.output.contains("debug:"))
        #expect(run.errors.contains("\"volumes\" is accepted but not emulated"))
        #expect(run.errors.components(separatedBy: "not emulated").count == 2)
    }

    @Test func jsonFormatIsValidJSON() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        let run = try await project.run(["config", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let services = try #require(document["services"] as? [String: Any])
        #expect(Set(services.keys) == ["db", "web"])
    }

    @Test func servicesProfilesAndQuietListings() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        #expect(try await project.run(["config", "--services"]).output == "db\nweb\n")
        #expect(try await project.run(["--profile", "debug", "config", "--services"]).output == "db\ndebug\nweb\n")
        #expect(try await project.run(["config", "--profiles"]).output == "debug\n")
        let quiet = try await project.run(["config", "-q"])
        #expect(quiet.status == 0)
        #expect(quiet.output.isEmpty)
    }

    @Test func namingAServiceShowsItAndWhatItDependsOn() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        #expect(try await project.run(["config", "--services", "web"]).output == "db\nweb\n")
        #expect(try await project.run(["config", "--services", "debug"]).output == "debug\n")
    }

    @Test func envFileAndProjectDirectoryOptions() async throws {
        let project = try ConfigProject([
            "files/compose.yaml": "services:\n  web:\n    command: serve $MODE\n    working_dir: app\n",
            "settings/prod.env": "MODE=production\n",
            "root/.env": "MODE=from-root\n",
        ])
        let withEnvFile = try await project.run(["--env-file", "settings/prod.env", "-f", "files/compose.yaml", "config"])
        #expect(withEnvFile.output.contains("command: serve production"), "\(withEnvFile.errors)")
        let withDirectory = try await project.run(["config", "-f", "files/compose.yaml", "--project-directory", "root"])
        #expect(withDirectory.output.contains("command: serve from-root"), "\(withDirectory.errors)")
        #expect(withDirectory.output.contains("working_dir: \(project.directory)/root/app"))
        let shell = try await project.run(["--env-file", "settings/prod.env", "-f", "files/compose.yaml", "config"], environment: ["MODE": "shell"])
        #expect(shell.output.contains("command: serve shell"))
    }

    @Test func standardInputIsAComposeFile() async throws {
        let project = try ConfigProject([:])
        try FileManager.default.createDirectory(atPath: project.directory, withIntermediateDirectories: true)
        let run = try await project.run(["config", "-f", "-", "--services"], input: "services:\n  piped: {command: x}\n")
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output == "piped\n")
    }

    @Test func invalidComposeExitsOneWithEveryErrorAndItsPlace() async throws {
        let project = try ConfigProject(["compose.yaml": """
        services:
          web:
            command: x
            healthcheck: {interval: ten}
            depends_on: [ghost]
        """])
        let run = try await project.run(["config"])
        #expect(run.status == 1)
        #expect(run.output.isEmpty)
        #expect(run.errors.contains("compose.yaml:4:29: services.web.healthcheck.interval: expected a duration like 10s or 1m30s, got \"ten\""))
        #expect(run.errors.contains("compose.yaml:5:18: services.web.depends_on: service \"web\" depends on undefined service \"ghost\""))
    }

    @Test func usageErrorsExitTwo() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        #expect(try await project.run(["config", "--no-such-option"]).status == 2)
        #expect(try await project.run(["config", "--format", "toml"]).status == 2)
        #expect(try await project.run(["no-such-command"]).status == 2)
        #expect(try await project.run(["-f"]).status == 2)
    }

    @Test func helpAndVersionExitZero() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        let help = try await project.run(["config", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("--no-interpolate"))
        #expect(try await project.run(["--version"]).status == 0)
    }

    @Test func outputLoadsBackWithNoInterpolateToTheSameOutput() async throws {
        let project = try ConfigProject(["compose.yaml": Self.compose])
        let first = try await project.run(["config", "--profile", "debug"])
        try first.output.write(toFile: project.directory + "/out.yaml", atomically: true, encoding: .utf8)
        let second = try await project.run(["config", "-f", "out.yaml", "--no-interpolate", "--profile", "debug"])
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output == first.output)
    }
}
