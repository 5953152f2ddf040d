import ComposeKit
import Testing
@testable import SlipwayRuntime

@Suite("ProgressLine")
struct ProgressLineTests {
    private let plain = ProgressLine(nameWidth: 6, colours: false)

    private func line(_ kind: ServiceEvent.Kind, elapsed: Duration = .milliseconds(1430)) -> String? {
        plain.render(ServiceEvent(service: "db", kind: kind, elapsed: elapsed))
    }

    @Test func rendersEachStepLikeDockerCompose() {
        #expect(line(.healthy) == "✔ db      Healthy  1.4s")
        #expect(line(.started) == "✔ db      Started  1.4s")
        #expect(line(.exited(.exited(1))) == "✘ db      Exited (1)")
        #expect(line(.exited(.signalled(9))) == "✘ db      Exited (137)")
        #expect(line(.restarting(attempt: 2, delay: .milliseconds(200))) == "↻ db      Restarting (2)")
        #expect(line(.unhealthy(reason: "exit code 1")) == "✘ db      Unhealthy (exit code 1)  1.4s")
        #expect(line(.stopped, elapsed: .seconds(12)) == "✔ db      Stopped  12.0s")
        #expect(line(.starting) == nil)
    }

    @Test func coloursOnlyTheSymbol() {
        let coloured = ProgressLine(nameWidth: 2, colours: true)
            .render(ServiceEvent(service: "db", kind: .exited(.exited(3)), elapsed: .zero))
        #expect(coloured == "\u{1B}[31m✘\u{1B}[0m db  Exited (3)")
    }
}

@Suite("ServiceFacts")
struct ServiceFactsTests {
    @Test func serviceStartedIsMetOnceLaunched() {
        var facts = ServiceFacts(hasHealthCheck: false)
        #expect(facts.verdict(for: .serviceStarted) == nil)
        facts.launched = true
        #expect(facts.verdict(for: .serviceStarted) == .satisfied)
    }

    @Test func serviceHealthyNeedsAHealthCheckAndASuccess() {
        var facts = ServiceFacts(hasHealthCheck: true)
        facts.launched = true
        #expect(facts.verdict(for: .serviceHealthy) == nil)
        facts.healthy = true
        #expect(facts.verdict(for: .serviceHealthy) == .satisfied)
        #expect(ServiceFacts(hasHealthCheck: false).verdict(for: .serviceHealthy)
            == .failed(reason: "has no health check, but a dependent waits for it to be healthy"))
    }

    @Test func anExitBeforeHealthyFailsOnlyWhenNoRestartIsPending() {
        var facts = ServiceFacts(hasHealthCheck: true)
        facts.launched = true
        facts.lastExit = .exited(1)
        #expect(facts.verdict(for: .serviceHealthy) == nil)
        facts.finished = true
        #expect(facts.verdict(for: .serviceHealthy) == .failed(reason: "exited before becoming healthy (exit code 1)"))
    }

    @Test func completedSuccessfullyWantsExitZero() {
        var facts = ServiceFacts(hasHealthCheck: false)
        facts.lastExit = .exited(0)
        #expect(facts.verdict(for: .serviceCompletedSuccessfully) == .satisfied)
        facts.lastExit = .exited(2)
        facts.finished = true
        #expect(facts.verdict(for: .serviceCompletedSuccessfully)
            == .failed(reason: "did not complete successfully (exit code 2)"))
    }

    @Test func aLaunchFailureFailsEveryCondition() {
        var facts = ServiceFacts(hasHealthCheck: true)
        facts.launchFailure = "boom"
        for condition in [Dependency.Condition.serviceStarted, .serviceHealthy, .serviceCompletedSuccessfully] {
            #expect(facts.verdict(for: condition) == .failed(reason: "failed to start: boom"))
        }
    }
}
