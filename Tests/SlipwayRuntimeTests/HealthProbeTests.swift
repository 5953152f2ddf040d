import Glibc
import Testing
@testable import SlipwayRuntime

@Suite("HealthProbe")
struct HealthProbeTests {
    private let basePath = ["PATH": "/usr/local/bin:/usr/bin:/bin"]

    @Test("CMD runs the program directly and judges by its exit code")
    func execJudgesExitCode() async {
        let passing = await HealthProbe(check: .exec(["true"]), timeout: .seconds(600), environment: basePath).run()
        #expect(passing.isHealthy)
        #expect(passing.reason == "exit code 0")

        let failing = await HealthProbe(
            check: .exec(["sh", "-c", "echo '  not ready  '; exit 3"]), timeout: .seconds(600), environment: basePath
        ).run()
        #expect(!failing.isHealthy)
        #expect(failing.reason == "exit code 3")
        #expect(failing.output == "not ready")
    }

    @Test("CMD finds its program through the instance's PATH, not the supervisor's")
    func execUsesInstancePath() async throws {
        let directory = try HealthTestDirectory()
        try await directory.writeExecutable("#!/bin/sh\necho from-instance-path\n", to: "only-here-probe")
        let environment = ["PATH": directory.path + ":/usr/bin:/bin"]
        let found = await HealthProbe(check: .exec(["only-here-probe"]), timeout: .seconds(600), environment: environment).run()
        #expect(found.isHealthy)
        #expect(found.output == "from-instance-path")

        let missing = await HealthProbe(check: .exec(["only-here-probe"]), timeout: .seconds(600), environment: basePath).run()
        #expect(!missing.isHealthy)
        #expect(missing.reason.contains("only-here-probe"))
    }

    @Test("CMD-SHELL runs in the instance's environment and working directory")
    func shellSeesEnvironmentAndDirectory() async throws {
        let directory = try HealthTestDirectory()
        try directory.write("ok", to: "marker")
        var environment = basePath
        environment["PORT"] = "4321"
        let probe = HealthProbe(
            check: .shell(#"test "$PORT" = 4321 && test -f marker && echo "port $PORT""#),
            timeout: .seconds(600), environment: environment, workingDirectory: directory.path)
        let result = await probe.run()
        #expect(result.isHealthy)
        #expect(result.output == "port 4321")

        let elsewhere = await HealthProbe(check: .shell("test -f marker"), timeout: .seconds(600), environment: environment).run()
        #expect(!elsewhere.isHealthy)
    }

    @Test("a missing working directory is an unhealthy probe naming it")
    func missingWorkingDirectory() async {
        let probe = HealthProbe(check: .shell("true"), timeout: .seconds(600), environment: basePath,
                                workingDirectory: "/nonexistent/slipway-health")
        let result = await probe.run()
        #expect(!result.isHealthy)
        #expect(result.reason.contains("/nonexistent/slipway-health"))
    }

    /// The shell must start its grandchild before the timeout passes; on a
    /// busy machine it may not get that far in time, so the probe runs again
    /// with twice the timeout until it does.
    @Test("a probe that overruns its timeout is killed with its grandchildren and fails")
    func hangingProbeIsKilled() async throws {
        let directory = try HealthTestDirectory()
        let pidFile = directory.file("grandchild.pid")
        var timeout = Duration.seconds(2)
        var result: ProbeResult
        while true {
            let probe = HealthProbe(
                check: .shell("sleep 1000 & echo $! > '\(pidFile)'; echo waiting; wait"),
                timeout: timeout, environment: basePath)
            result = await probe.run()
            if result.output == "waiting" || timeout >= .seconds(64) { break }
            timeout *= 2
        }
        #expect(!result.isHealthy)
        #expect(result.reason == "timed out after \(timeout.components.seconds)s")
        #expect(result.output == "waiting")
        let grandchild = try #require(directory.read("grandchild.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(await HealthTesting.eventually { HealthTesting.processIsGone(grandchild) })
    }

    @Test("a probe's background child does not outlive a probe that exited")
    func backgroundChildOfFinishedProbeIsKilled() async throws {
        let directory = try HealthTestDirectory()
        let pidFile = directory.file("background.pid")
        let probe = HealthProbe(check: .shell("sleep 1000 & echo $! > '\(pidFile)'"), timeout: .seconds(600), environment: basePath)
        let result = await probe.run()
        #expect(result.isHealthy)
        let background = try #require(directory.read("background.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(await HealthTesting.eventually { HealthTesting.processIsGone(background) })
    }

    @Test("cancelling the waiting task kills the probe")
    func cancellationKillsTheProbe() async throws {
        let directory = try HealthTestDirectory()
        let pidFile = directory.file("probe.pid")
        let probe = HealthProbe(check: .shell("echo $$ > '\(pidFile)'; exec sleep 1000"), timeout: .seconds(600), environment: basePath)
        let task = Task { await probe.run() }
        #expect(await HealthTesting.eventually { directory.read("probe.pid")?.hasSuffix("\n") == true })
        task.cancel()
        let result = await task.value
        #expect(!result.isHealthy)
        #expect(result.reason == "probe cancelled")
        let pid = try #require(directory.read("probe.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(HealthTesting.processIsGone(pid))
    }

    @Test("health_path: 2xx and 3xx are healthy, 5xx is not, the body is the output")
    func httpStatuses() async throws {
        for (status, healthy) in [(200, true), (204, true), (301, true), (404, false), (503, false)] {
            let server = try CannedHTTPServer(status: status, body: #"{"status": "checked"}"#)
            defer { server.stop() }
            let result = await HealthProbe(check: .http(port: server.port, path: "/health/"), timeout: .seconds(600)).run()
            #expect(result.isHealthy == healthy, "HTTP \(status)")
            #expect(result.reason == "HTTP \(status)")
            #expect(result.output == #"{"status": "checked"}"#)
        }
    }

    @Test("health_path: a refused connection is unhealthy and says so")
    func httpRefused() async throws {
        let server = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { server.stop() }
        let result = await HealthProbe(check: .http(port: server.port, path: "/"), timeout: .seconds(600)).run()
        #expect(!result.isHealthy)
        #expect(result.reason == "connection refused by 127.0.0.1:\(server.port)")
    }

    @Test("health_path: a server that never answers fails at the timeout")
    func httpSilentServer() async throws {
        let server = try CannedHTTPServer(status: nil)
        defer { server.stop() }
        let result = await HealthProbe(check: .http(port: server.port, path: "/"), timeout: .milliseconds(300)).run()
        #expect(!result.isHealthy)
        #expect(result.reason == "timed out after 300ms")
        #expect(await HealthTesting.eventually { server.requestCount == 1 })
    }
}
