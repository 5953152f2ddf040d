import Foundation
import Glibc
import Testing

/// `slipway run SERVICE [COMMAND...]`: a one-off in the service's
/// environment, its dependencies up first.
@Suite("run")
struct RunCommandTests {
    static let compose = """
        services:
          api:
            command: \(FixtureClient.server("api"))
            expose: ["9000"]
            x-slipway:
              health_path: /
          tool:
            command: sh -c 'exit 9'
            working_dir: ./work
            environment:
              GREETING: hello
            expose: ["8080"]
            depends_on:
              api: {condition: service_healthy}
        """

    @Test func aOneOffStartsTheDependenciesAndRunsInTheServicesEnvironment() async throws {
        try await withStack(Self.compose) { stack in
            try FileManager.default.createDirectory(atPath: stack.directory + "/work", withIntermediateDirectories: true)
            let script = """
                import os, urllib.request
                print(os.environ['GREETING'], os.getcwd(), os.environ['PORT'] != '', flush=True)
                url = 'http://%s:%s/' % (os.environ['API_SERVICE_HOST'], os.environ['API_SERVICE_PORT'])
                print(urllib.request.urlopen(url).read().decode().split()[0], flush=True)
                print(urllib.request.urlopen('http://api:9000/').read().decode().split()[0], 'by name', flush=True)
                raise SystemExit(4)
                """
            let run = try await stack.run(["run", "tool", "python3", "-c", script])
            let api = try await stack.psRecords()["api"]
            let down = try await stack.run(["down"])

            #expect(run.status == 4, "the one-off's exit code: \(run.output)\(run.errors)")
            let lines = run.output.split(separator: "\n").map(String.init)
            let workDirectory = URL(fileURLWithPath: stack.directory + "/work").resolvingSymlinksInPath().path
            #expect(lines.contains("hello \(workDirectory) True"), "\(run.output)")
            #expect(lines.contains("api"), "the dependency answered at its injected address: \(run.output)")
            #expect(lines.contains("api by name"), "the one-off sees the service's names, as its instances do: \(run.output)\(run.errors)")
            #expect(api?["State"] as? String == "running", "the dependency stays up, as docker compose leaves it")
            #expect(down.status == 0)
        }
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "switching user needs root"))
    func aOneOffRunsAsTheServicesUserAndSeesItsNames() async throws {
        try await withStack("""
            services:
              api:
                command: \(FixtureClient.server("api"))
                expose: ["9000"]
                x-slipway: {health_path: /}
              tool:
                command: sh -c 'id -un; getent hosts api'
                user: nobody
                depends_on: {api: {condition: service_healthy}}
            """) { stack in
            let run = try await stack.run(["run", "tool"])
            let down = try await stack.run(["down"])

            let lines = run.output.split(separator: "\n").map(String.init)
            #expect(run.status == 0, "\(run.output)\(run.errors)")
            #expect(lines.first == "nobody", "as the service's user: \(run.output)")
            #expect(lines.dropFirst().first?.hasSuffix(" api") == true, "api through the service's /etc/hosts: \(run.output)")
            #expect(down.status == 0)
        }
    }

    @Test func noDepsRunsTheServicesOwnCommandAloneAndEnvOverrides() async throws {
        try await withStack(Self.compose) { stack in
            try FileManager.default.createDirectory(atPath: stack.directory + "/work", withIntermediateDirectories: true)
            let ownCommand = try await stack.run(["run", "--no-deps", "--rm", "tool"])
            let overridden = try await stack.run(["run", "--no-deps", "-e", "GREETING=bye", "tool", "sh", "-c", "echo $GREETING"])
            let ps = try await stack.run(["ps"])
            let badEnv = try await stack.run(["run", "-e", "=x", "tool"])

            #expect(ownCommand.status == 9, "\(ownCommand.errors)")
            #expect(overridden.status == 0 && overridden.output == "bye\n", "\(overridden.output)\(overridden.errors)")
            #expect(ps.status == 1, "--no-deps started no supervisor: \(ps.errors)")
            #expect(badEnv.status == 2, "\(badEnv.errors)")
            #expect(stack.processes().isEmpty)
        }
    }
}
