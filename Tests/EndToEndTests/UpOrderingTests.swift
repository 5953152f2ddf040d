import Foundation
import Glibc
import Testing

@Suite("up: ordering and failures")
struct UpOrderingTests {
    @Test func honoursEachConditionThenStopsInReverseOnCtrlC() async throws {
        let stack = try TestStack("""
            services:
              db:
                command: sh -c 'sleep 0.3; touch db-ready; exec sleep 1000'
                healthcheck:
                  test: ["CMD-SHELL", "test -f db-ready"]
                  interval: 30s
              migrate:
                command: sh -c 'test -f db-ready && echo migrated > migrated'
                depends_on:
                  db: {condition: service_healthy}
              cache:
                command: sleep 1000
              web:
                command: sh -c 'cat migrated; exec sleep 1000'
                depends_on:
                  migrate: {condition: service_completed_successfully}
                  cache: {condition: service_started}
            """)
        let up = try stack.start()
        let webStarted = await up.waitForOutput("web      | migrated")
        up.signal(SIGINT)
        let status = await up.waitForExit()
        let lines = up.output.split(separator: "\n").map(String.init)
        await up.cleanUp()

        #expect(webStarted, "web never printed what migrate wrote:\n\(up.output)\n\(up.errors)")
        #expect(status == 0)
        func index(_ text: String) -> Int { lines.firstIndex { $0.hasPrefix("✔ ") && $0.contains(text) } ?? Int.max }
        #expect(index("db       Healthy") < index("migrate  Started"))
        #expect(index("migrate  Completed") < index("web      Started"))
        #expect(index("cache    Started") < index("web      Started"))
        #expect(index("web      Stopped") < index("db       Stopped"))
        #expect(index("web      Stopped") < index("cache    Stopped"))
    }

    @Test func aFailingOneShotAbortsWithItsExitCodeAndLastLines() async throws {
        let stack = try TestStack("""
            services:
              migrate:
                command: sh -c 'echo relation users does not exist; exit 7'
              web:
                command: sleep 1000
                depends_on:
                  migrate: {condition: service_completed_successfully}
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(status == 3)
        #expect(up.errors.contains("dependency migrate of web failed"))
        #expect(up.errors.contains("exit code 7"))
        #expect(up.errors.contains("relation users does not exist"))
        #expect(!up.output.contains("web      Started"))
    }

    @Test func aNeverHealthyDependencyAbortsTheBringUp() async throws {
        let stack = try TestStack("""
            services:
              db:
                command: sh -c 'echo db is up but never ready; exec sleep 1000'
                healthcheck:
                  test: ["CMD", "false"]
                  interval: 100ms
                  retries: 2
              api:
                command: sleep 1000
                depends_on:
                  db: {condition: service_healthy}
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        let leftAfterExit = await eventually(within: .seconds(60)) { stack.processes().isEmpty }
        await up.cleanUp()

        #expect(status == 3)
        #expect(up.errors.contains("dependency db of api failed: db is unhealthy"))
        #expect(up.errors.contains("db is up but never ready"))
        #expect(leftAfterExit, "processes were left behind after a failed up")
    }

    @Test func aHangingProbeCountsAsAFailure() async throws {
        let stack = try TestStack("""
            services:
              db:
                command: sleep 1000
                healthcheck:
                  test: sleep 1000
                  timeout: 200ms
                  interval: 100ms
                  retries: 1
              api:
                command: sleep 1000
                depends_on:
                  db: {condition: service_healthy}
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(status == 3)
        #expect(up.errors.contains("timed out"))
    }

    @Test func restartsWithBackoffThenReportsTheFinalExit() async throws {
        let stack = try TestStack("""
            services:
              flaky:
                command: sh -c 'echo crashing; exit 1'
                restart: on-failure:2
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        let log = stack.log("flaky")
        await up.cleanUp()

        #expect(status == 0, "up ends once every service has ended for good")
        #expect(up.output.contains("↻ flaky  Restarting (1)"))
        #expect(up.output.contains("↻ flaky  Restarting (2)"))
        #expect(up.output.contains("✘ flaky  Exited (1)"))
        #expect(!up.output.contains("Restarting (3)"))
        #expect(log.components(separatedBy: "crashing").count - 1 == 3)
    }

    @Test func stopSendsStopSignalThenKillsAfterTheGracePeriod() async throws {
        let stack = try TestStack("""
            services:
              stubborn:
                command: ["sh", "-c", "trap 'echo got TERM, ignoring' TERM; echo ready; while true; do sleep 0.1; done"]
                stop_grace_period: 5s
              polite:
                command: ["sh", "-c", "trap 'echo got INT; exit 0' INT; echo ready; while true; do sleep 0.1; done"]
                stop_signal: SIGINT
            """)
        let up = try stack.start()
        let stubbornReady = await up.waitForOutput("stubborn  | ready")
        let politeReady = await up.waitForOutput("polite    | ready")
        up.signal(SIGTERM)
        let status = await up.waitForExit()
        let gone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }
        await up.cleanUp()

        #expect(stubbornReady && politeReady)
        #expect(status == 0)
        #expect(up.output.contains("stubborn  | got TERM, ignoring"))
        #expect(up.output.contains("polite    | got INT"))
        #expect(up.output.contains("✔ stubborn  Stopped"))
        #expect(gone)
    }

    @Test func aSecondCtrlCKillsAtOnce() async throws {
        let stack = try TestStack("""
            services:
              stubborn:
                command: ["sh", "-c", "trap 'echo got INT' INT; trap 'echo got TERM' TERM; echo ready; while true; do sleep 0.1; done"]
                stop_grace_period: 1h
            """)
        let up = try stack.start()
        let ready = await up.waitForOutput("stubborn  | ready")
        up.signal(SIGINT)
        let stopping = await up.waitForOutput("stubborn  | got TERM")
        up.signal(SIGINT)
        let status = await up.waitForExit()
        let gone = await eventually(within: .seconds(60)) { stack.processes().isEmpty }
        await up.cleanUp()

        #expect(ready && stopping, "\(up.output)\(up.errors)")
        #expect(up.output.contains("Gracefully stopping... (press Ctrl-C again to force)"))
        #expect(status == 130)
        #expect(up.errors.contains("stopped by force"))
        #expect(gone)
    }

    @Test func aProgramThatDoesNotExistFailsTheBringUpByName() async throws {
        let stack = try TestStack("""
            services:
              web:
                command: ["no-such-program-here", "--serve"]
              api:
                command: sleep 1000
                depends_on: [web]
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(status == 3)
        #expect(up.errors.contains("service web cannot start: no-such-program-here: executable file not found in $PATH"))
        #expect(!up.errors.contains("dependency web of api failed"))
        #expect(up.states(of: "api").isEmpty)
    }
}
