import ComposeKit
import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime

@Suite("Supervisor")
struct SupervisorTests {
    private static let marker = "ready-marker"

    @Test func startsADependentOnlyAfterItsDependencyIsHealthy() async throws {
        let db = Service.shell("db", "sleep 0.3; touch \(Self.marker); exec sleep 1000") {
            // A start period: the check must not run out of retries before a loaded machine runs
            // the touch.
            $0.healthcheck = Healthcheck(test: .shell("test -f \(Self.marker)"), interval: .seconds(1), startPeriod: .seconds(3600))
        }
        let web = Service.shell("web", "test -f \(Self.marker) && echo saw-db; exec sleep 1000") {
            $0.dependsOn = ["db": Dependency(condition: .serviceHealthy)]
        }
        try await SupervisorHarness.with([db, web]) { harness async throws in
            let failure = await harness.boundedUp()
            let healthy = harness.firstIndex("db") { $0.isHealthy }
            let webStarted = harness.firstIndex("web") { $0.isStarted }
            await harness.boundedFinish()
            #expect(failure == nil)
            #expect(healthy != nil && webStarted != nil && healthy! < webStarted!)
        }
    }

    @Test func waitsForAOneShotToCompleteSuccessfully() async throws {
        let migrate = Service.shell("migrate", "sleep 0.2; echo migrated > done")
        let web = Service.shell("web", "cat done; exec sleep 1000") {
            $0.dependsOn = ["migrate": Dependency(condition: .serviceCompletedSuccessfully)]
        }
        try await SupervisorHarness.with([migrate, web]) { harness async throws in
            let failure = await harness.boundedUp()
            let completed = harness.firstIndex("migrate") { $0 == .completed }
            let webStarted = harness.firstIndex("web") { $0.isStarted }
            await harness.boundedFinish()
            #expect(failure == nil)
            #expect(completed != nil && webStarted != nil && completed! < webStarted!)
        }
    }

    @Test func aFailingOneShotAbortsTheBringUpNamingItsExitCodeAndOutput() async throws {
        let migrate = Service.shell("migrate", "echo 'relation missing'; exit 4")
        let web = Service.shell("web", "exec sleep 1000") {
            $0.dependsOn = ["migrate": Dependency(condition: .serviceCompletedSuccessfully)]
        }
        try await SupervisorHarness.with([migrate, web]) { harness async throws in
            let error = await harness.boundedUp()
            await harness.boundedFinish()
            guard case let .dependencyFailed(failure)? = error else {
                Issue.record("expected a dependency failure, got \(String(describing: error))")
                return
            }
            #expect(failure.dependency == "migrate")
            #expect(failure.dependent == "web")
            #expect(failure.exitStatus == .exited(4))
            #expect(failure.lastLines == ["relation missing"])
            #expect(error?.exitCode == 3)
            #expect(harness.kinds(of: "web").isEmpty)
        }
    }

    @Test func aNeverHealthyDependencyAbortsTheBringUp() async throws {
        let db = Service.shell("db", "exec sleep 1000") {
            $0.healthcheck = Healthcheck(test: .shell("exit 1"), interval: .milliseconds(50), retries: 2)
        }
        let web = Service.shell("web", "exec sleep 1000") { $0.dependsOn = ["db": Dependency(condition: .serviceHealthy)] }
        try await SupervisorHarness.with([db, web]) { harness async throws in
            let error = await harness.boundedUp()
            await harness.boundedFinish()
            guard case let .dependencyFailed(failure)? = error else {
                Issue.record("expected a dependency failure, got \(String(describing: error))")
                return
            }
            #expect(failure.dependency == "db")
            #expect(failure.reason.contains("unhealthy"))
        }
    }

    @Test func anOptionalDependencyThatFailsDoesNotStopTheDependent() async throws {
        let cache = Service.shell("cache", "exit 1")
        let web = Service.shell("web", "exec sleep 1000") {
            $0.dependsOn = ["cache": Dependency(condition: .serviceCompletedSuccessfully, required: false)]
        }
        try await SupervisorHarness.with([cache, web]) { harness async throws in
            let failure = await harness.boundedUp()
            let webStarted = harness.firstIndex("web") { $0.isStarted }
            await harness.boundedFinish()
            #expect(failure == nil)
            #expect(webStarted != nil)
        }
    }

    @Test func restartsACrashingServiceWithBackoffThenGivesUp() async throws {
        let flaky = Service.shell("flaky", "echo crash; exit 2") { $0.restart = .onFailure(maxRetries: 3) }
        try await SupervisorHarness.with([flaky]) { harness async throws in
            let failure = await harness.boundedUp()
            await harness.boundedWaitUntilAllEnded()
            // The events stream is read by another task; only once it ended (in
            // `finish()`) has every event the supervisor emitted been recorded.
            await harness.boundedFinish()
            let kinds = harness.kinds(of: "flaky")
            let delays = kinds.compactMap { kind -> Duration? in
                if case let .restarting(_, delay) = kind { return delay }
                return nil
            }
            #expect(failure == nil)
            #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
            #expect(kinds.last == .exited(.exited(2)))
        }
    }

    @Test func stopsDependentsBeforeTheirDependencies() async throws {
        let db = Service.shell("db", "exec sleep 1000")
        let web = Service.shell("web", "trap 'sleep 0.2; exit 0' TERM; while true; do sleep 0.05; done") {
            $0.dependsOn = ["db": Dependency()]
        }
        try await SupervisorHarness.with([db, web]) { harness async throws in
            let failure = await harness.boundedUp()
            await harness.boundedStop()
            let webStopped = harness.firstIndex("web") { $0.isStopped }
            let dbStopping = harness.firstIndex("db") { $0 == .stopping }
            await harness.boundedFinish()
            #expect(failure == nil)
            #expect(webStopped != nil && dbStopping != nil && webStopped! < dbStopping!)
        }
    }

    @Test func restartsAnUnhealthyServiceWhenAskedTo() async throws {
        let web = Service.shell("web", "touch healthy-once; exec sleep 1000") {
            $0.healthcheck = Healthcheck(
                test: .shell("test -f healthy-once && rm healthy-once"), interval: .milliseconds(100), retries: 1)
            $0.slipway.restartOnUnhealthy = true
        }
        try await SupervisorHarness.with([web]) { harness async throws in
            let failure = await harness.boundedUp()
            let restarted = await eventually {
                harness.kinds(of: "web").contains { if case .restarting = $0 { true } else { false } }
            }
            await harness.boundedFinish()
            #expect(failure == nil)
            #expect(restarted)
            #expect(harness.kinds(of: "web").contains { if case .unhealthy = $0 { true } else { false } })
        }
    }

    @Test func restartsADependentWithRestartTrueWhenItsDependencyRestarts() async throws {
        let db = Service.shell("db", "if [ -f crashed ]; then exec sleep 1000; fi; touch crashed; sleep 0.3; exit 1") {
            $0.restart = .onFailure(maxRetries: 1)
        }
        let web = Service.shell("web", "exec sleep 1000") { $0.dependsOn = ["db": Dependency(restart: true)] }
        let plain = Service.shell("plain", "exec sleep 1000") { $0.dependsOn = ["db": Dependency()] }
        try await SupervisorHarness.with([db, web, plain]) { harness async throws in
            let failure = await harness.boundedUp()
            let webRestarted = await eventually { harness.kinds(of: "web").filter(\.isStarted).count == 2 }
            let plainStarts = harness.kinds(of: "plain").filter(\.isStarted).count
            await harness.boundedFinish()
            #expect(failure == nil)
            #expect(webRestarted)
            #expect(plainStarts == 1)
        }
    }
}
