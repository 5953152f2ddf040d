import Foundation
import Glibc
import Testing

/// `up -d` and `up -d --wait`: the supervisor in the background, the CLI
/// back with an exit code that says whether the stack is ready.
@Suite("up -d --wait")
struct DetachedUpTests {
    /// An HTTP server on its PORT, healthy through `x-slipway.health_path`.
    static let web = """
          web:
            command: python3 -m http.server $$PORT --bind 127.0.0.1
            ports: ["8000"]
            x-slipway: {health_path: /}
        """

    @Test func waitsForHealthyServicesAndCountsACompletedOneShotAsReady() async throws {
        try await withStack("""
            services:
            \(Self.web)
              migrate:
                command: sh -c 'echo migrated'
              app:
                command: sh -c 'echo app up; exec sleep 1000'
                depends_on:
                  migrate: {condition: service_completed_successfully}
                  web: {condition: service_healthy}
            """) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"])
            let records = try await stack.psRecords()
            let down = try await stack.run(["down"])
            let gone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }

            #expect(up.status == 0, "\(up.errors)")
            #expect(up.errors.contains("Completed") && up.errors.contains("Healthy"), "\(up.errors)")
            #expect(records["web"]?["State"] as? String == "running")
            #expect(records["web"]?["Health"] as? String == "healthy")
            #expect(records["migrate"]?["State"] as? String == "exited")
            #expect(records["migrate"]?["ExitCode"] as? Int == 0)
            #expect(records["app"]?["Health"] as? String == "")
            #expect((records["app"]?["Pid"] as? Int ?? 0) > 0)
            let publishers = records["web"]?["Publishers"] as? [[String: Any]]
            #expect(publishers?.first?["TargetPort"] as? Int == 8000)
            #expect(publishers?.first?["URL"] as? String == "127.0.0.1")
            #expect((publishers?.first?["PublishedPort"] as? Int ?? 0) > 0)
            #expect(publishers?.first?["Protocol"] as? String == "tcp")
            #expect(records["web"]?["Name"] as? String != nil && records["web"]?["Command"] as? String != nil)
            #expect(down.status == 0, "\(down.errors)")
            #expect(gone)
        }
    }

    @Test func aServiceThatNeverTurnsHealthyFailsTheWaitWithItsLastLines() async throws {
        try await withStack("""
            services:
              web:
                command: sh -c 'echo booting web; exec sleep 1000'
                healthcheck:
                  test: ["CMD-SHELL", "false"]
                  interval: 100ms
                  retries: 2
            """) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"])
            _ = try await stack.run(["down"])

            #expect(up.status == 3, "\(up.errors)")
            #expect(up.errors.contains("service web is unhealthy"), "\(up.errors)")
            #expect(up.errors.contains("booting web"), "\(up.errors)")
        }
    }

    @Test func aFailingOneShotFailsTheBringUpNamingIt() async throws {
        try await withStack("""
            services:
              migrate:
                command: sh -c 'echo migration broke; exit 4'
              app:
                command: sleep 1000
                depends_on:
                  migrate: {condition: service_completed_successfully}
            """) { stack in
            let up = try await stack.run(["up", "-d", "--wait"])
            let gone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }

            #expect(up.status == 3, "\(up.errors)")
            #expect(up.errors.contains("migrate did not complete successfully (exit code 4)"), "\(up.errors)")
            #expect(up.errors.contains("migration broke"), "\(up.errors)")
            #expect(gone, "the supervisor stops what it started and exits after a failed bring-up")
        }
    }

    @Test func theWaitTimeoutNamesWhatIsStillStarting() async throws {
        try await withStack("""
            services:
              slow:
                command: sh -c 'echo still warming up; exec sleep 1000'
                healthcheck:
                  test: ["CMD-SHELL", "false"]
                  start_period: 1h
            """) { stack in
            // The supervisor is started and the line written before the timed wait, so the timeout
            // cannot pass while a loaded machine is still starting the supervisor itself.
            let started = try await stack.run(["up", "-d"])
            #expect(started.status == 0, "\(started.errors)")
            #expect(await eventually(within: .seconds(30)) { stack.log("slow").contains("still warming up") })
            let up = try await stack.run(["up", "-d", "--wait-timeout", "1"])
            let records = try await stack.psRecords()
            _ = try await stack.run(["down"])

            #expect(up.status == 7, "\(up.errors)")
            #expect(up.errors.contains("still waiting for slow"), "\(up.errors)")
            #expect(up.errors.contains("still warming up"), "\(up.errors)")
            #expect(records["slow"]?["State"] as? String == "starting")
            #expect(records["slow"]?["Health"] as? String == "starting")
        }
    }

    @Test func aSecondUpDashDReconcilesAndAForegroundUpRefuses() async throws {
        try await withStack("""
            services:
              app:
                command: sleep 1000
            """) { stack in
            let first = try await stack.run(["up", "-d"])
            let detached = try await stack.run(["up", "-d"])
            let foreground = try await stack.run(["up"])
            let records = try await stack.psRecords()
            _ = try await stack.run(["down"])

            #expect(first.status == 0, "\(first.errors)")
            #expect(detached.status == 0, "\(detached.errors)")
            #expect(detached.errors.contains("app  Up to date"), "\(detached.errors)")
            #expect(foreground.status == 6)
            #expect(foreground.errors.contains("this project is already running"), "\(foreground.errors)")
            #expect(records.count == 1 && records["app"]?["State"] as? String == "running")
            #expect((records["app"]?["Name"] as? String)?.hasSuffix("-app-1") == true, "the unchanged instance was left alone")
        }
    }

    @Test func twoProjectsRunSideBySide() async throws {
        try await withStack("""
            services:
            \(Self.web)
            """) { stack in
            let environment = ["XDG_STATE_HOME": stack.directory + "/xdg"]
            let one = try await stack.run(["-p", "one", "up", "-d", "--wait"], environment: environment, stateDirectory: false)
            let two = try await stack.run(["-p", "two", "up", "-d", "--wait"], environment: environment, stateDirectory: false)
            let psOne = try await stack.run(["-p", "one", "ps", "--format", "json"], environment: environment, stateDirectory: false)
            let psTwo = try await stack.run(["-p", "two", "ps", "--format", "json"], environment: environment, stateDirectory: false)
            let downOne = try await stack.run(["-p", "one", "down"], environment: environment, stateDirectory: false)
            let stillTwo = try await stack.run(["-p", "two", "ps"], environment: environment, stateDirectory: false)
            let twoSocket = FileManager.default.fileExists(atPath: stack.directory + "/xdg/slipway/two/control.sock")
            let downTwo = try await stack.run(["-p", "two", "down"], environment: environment, stateDirectory: false)

            #expect(one.status == 0 && two.status == 0, "\(one.errors)\(two.errors)")
            #expect(psOne.output.contains("\"one-web-1\"") && psTwo.output.contains("\"two-web-1\""))
            #expect(downOne.status == 0 && stillTwo.status == 0 && stillTwo.output.contains("two-web-1"))
            #expect(twoSocket, "each project keeps its state under its own name")
            #expect(downTwo.status == 0)
        }
    }

    @Test func upAfterTheSupervisorWasKilledRecoversCleanly() async throws {
        try await withStack("""
            services:
            \(Self.web)
              worker:
                command: sh -c 'sleep 1000 & wait'
                stop_grace_period: 1s
            """) { stack in
            let first = try await stack.run(["up", "-d", "--wait"])
            let supervisor = try #require(stack.supervisorPid())
            let workerBefore = try await stack.psRecords()["worker"]?["Pid"] as? Int
            kill(supervisor, SIGKILL)
            let servicesGone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }
            let psWithoutSupervisor = try await stack.run(["ps"])
            let again = try await stack.run(["up", "-d", "--wait"])
            let records = try await stack.psRecords()
            let down = try await stack.run(["down"])

            #expect(first.status == 0, "\(first.errors)")
            #expect(servicesGone, "every service process ends with its supervisor")
            #expect(psWithoutSupervisor.status == 1 && psWithoutSupervisor.errors.contains("no supervisor is running"))
            #expect(again.status == 0, "\(again.errors)")
            #expect(records["web"]?["Health"] as? String == "healthy")
            #expect(records["worker"]?["State"] as? String == "running")
            #expect(records["worker"]?["Pid"] as? Int != workerBefore)
            #expect(down.status == 0)
        }
    }
}

extension TestStack {
    /// The background supervisor of this stack: the process run with `--detached-supervisor`.
    func supervisorPid() -> Int32? {
        processes().first { pid in
            let arguments = (FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()).split(separator: 0)
            return arguments.contains { Array($0) == Array("--detached-supervisor".utf8) }
        }
    }
}
