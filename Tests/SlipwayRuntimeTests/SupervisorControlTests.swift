import ComposeKit
import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime

/// The supervisor as a `ControlRequestHandler`: what `status` says at each
/// step of a service's life, and what `stop`, `start`, `kill` and `watch` do.
@Suite("Supervisor: the control API")
struct SupervisorControlTests {
    /// Polls `status` until `service` is in `state` (or the deadline passes).
    private func state(
        _ service: String, of supervisor: Supervisor, becomes state: InstanceState
    ) async throws -> InstanceStatus? {
        let end = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < end {
            let status = try await supervisor.status(services: [service]).instances.first
            if status?.state == state { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func statusFollowsEachStepAndActionsChangeIt() async throws {
        let web = Service.shell("web", "exec sleep 1000") { $0.expose = [8000] }
        let job = Service.shell("job", "exit 3")
        try await SupervisorHarness.with([web, job]) { harness async throws in
            let failure = await harness.boundedUp()
            let supervisor = harness.supervisor
            let running = try await state("web", of: supervisor, becomes: .running)
            let exited = try await state("job", of: supervisor, becomes: .exited)
            let stopReport = try await supervisor.stop(services: ["web"], timeout: .seconds(1))
            let stopped = try await supervisor.status(services: ["web"]).instances.first
            let startReport = try await supervisor.start(services: ["web"])
            let restarted = try await state("web", of: supervisor, becomes: .running)
            let killReport = try await supervisor.kill(services: ["web"], signal: SIGKILL)
            let killed = try await state("web", of: supervisor, becomes: .exited)
            let unknown = await #expect(throws: ControlFailure.noSuchService("cache")) {
                _ = try await supervisor.stop(services: ["cache"], timeout: nil)
            }
            await harness.boundedFinish()

            #expect(failure == nil)
            #expect(running?.name == "test-web-1" && running?.pid != nil && running?.startedAt != nil)
            #expect(running?.publishers == [PortPublisher(url: "", targetPort: 8000, publishedPort: 0)])
            #expect(exited?.exitCode == 3 && exited?.pid == nil)
            #expect(stopReport.entries.map(\.outcome) == [.stopped])
            #expect(stopped?.state == .stopped && stopped?.pid == nil)
            #expect(startReport.entries.map(\.outcome) == [.started])
            #expect(restarted?.pid != nil && restarted?.pid != running?.pid)
            #expect(killReport.entries.map(\.outcome) == [.killed])
            #expect(killed?.exitCode == 128 + SIGKILL)
            #expect(unknown != nil)
        }
    }

    @Test func healthAndRestartBackoffShowInTheStatus() async throws {
        let web = Service.shell("web", "exec sleep 1000") {
            $0.healthcheck = Healthcheck(test: .shell("true"), interval: .seconds(30))
        }
        let crashing = Service.shell("crashing", "exit 1") {
            $0.restart = .always
        }
        try await SupervisorHarness.with([web, crashing]) { harness async throws in
            let failure = await harness.boundedUp()
            let healthy = try await state("web", of: harness.supervisor, becomes: .running)
            let restarting = try await state("crashing", of: harness.supervisor, becomes: .restarting)
            await harness.boundedFinish()

            #expect(failure == nil)
            #expect(healthy?.health == .healthy)
            #expect(restarting != nil && restarting!.restartCount >= 1)
        }
    }

    @Test func watchSendsAStatusOnEveryChange() async throws {
        let web = Service.shell("web", "exec sleep 1000")
        try await SupervisorHarness.with([web]) { harness async throws in
            let failure = await harness.boundedUp()
            let events = try await harness.supervisor.watch(services: ["web"])
            let sawStopped = Task {
                for await event in events {
                    if case .status(let snapshot) = event, snapshot.instances.first?.state == .stopped { return true }
                }
                return false
            }
            _ = try await harness.supervisor.stop(services: ["web"], timeout: nil)
            let stopped = await within { await sawStopped.value } ?? false
            await harness.boundedFinish()

            #expect(failure == nil)
            #expect(stopped)
        }
    }
}
