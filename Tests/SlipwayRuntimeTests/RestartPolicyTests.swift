import ComposeKit
import Testing
@testable import SlipwayRuntime

@Suite("RestartPolicy")
struct RestartPolicyTests {
    private let start = ContinuousClock.now
    private static let crash = InstanceExit(cause: .exited(code: 1), ranFor: .milliseconds(30))
    private static let clean = InstanceExit(cause: .exited(code: 0), ranFor: .milliseconds(30))
    private static let killed = InstanceExit(cause: .exited(code: 137), ranFor: .milliseconds(30))
    private static let unhealthy = InstanceExit(cause: .unhealthy, ranFor: .seconds(1))
    private static let userStop = InstanceExit(cause: .exited(code: 143), stopRequested: true, ranFor: .seconds(60))

    private func first(_ rule: RestartRule, _ exit: InstanceExit) -> RestartDecision {
        var evaluator = RestartPolicyEvaluator(rule: rule)
        return evaluator.decide(after: exit, at: start)
    }

    @Test("each policy's verdict on each kind of exit", arguments: [
        (RestartPolicy.no, crash, false), (.no, clean, false), (.no, killed, false),
        (.always, crash, true), (.always, clean, true), (.always, userStop, false),
        (.unlessStopped, crash, true), (.unlessStopped, clean, true), (.unlessStopped, userStop, false),
        (.onFailure(maxRetries: nil), crash, true), (.onFailure(maxRetries: nil), killed, true),
        (.onFailure(maxRetries: nil), clean, false), (.onFailure(maxRetries: nil), userStop, false),
    ])
    func policyTable(policy: RestartPolicy, exit: InstanceExit, restarts: Bool) {
        let decision = first(RestartRule(restart: policy, deploy: nil), exit)
        if restarts {
            #expect(decision == .restart(attempt: 1, after: .milliseconds(100)))
        } else {
            #expect(decision == .stayStopped(exit.stopRequested ? .stopRequested : .policy))
        }
    }

    @Test("deploy.restart_policy takes precedence over restart", arguments: [
        (DeployRestartPolicy.Condition.none, crash, false), (.none, clean, false),
        (.onFailure, crash, true), (.onFailure, clean, false),
        (.any, crash, true), (.any, clean, true), (.any, userStop, false),
    ])
    func deployConditionTable(condition: DeployRestartPolicy.Condition, exit: InstanceExit, restarts: Bool) {
        let rule = RestartRule(restart: .always, deploy: DeployRestartPolicy(condition: condition))
        let decision = first(rule, exit)
        #expect((decision == .restart(attempt: 1, after: .milliseconds(100))) == restarts)
    }

    @Test("restart_on_unhealthy restarts an unhealthy instance whatever the policy; without it, never")
    func unhealthyRestarts() {
        #expect(first(RestartRule(restart: .no, deploy: nil, restartOnUnhealthy: true), Self.unhealthy)
            == .restart(attempt: 1, after: .milliseconds(100)))
        #expect(first(RestartRule(restart: .always, deploy: nil), Self.unhealthy) == .stayStopped(.policy))
    }

    @Test("backoff doubles from 100 ms up to 30 s")
    func backoffDoublesToCeiling() {
        var evaluator = RestartPolicyEvaluator(rule: RestartRule(restart: .always, deploy: nil))
        var delays: [Duration] = []
        var moment = start
        for _ in 0..<12 {
            guard case let .restart(_, delay) = evaluator.decide(after: Self.crash, at: moment) else { break }
            delays.append(delay)
            moment += delay + .milliseconds(30)
        }
        #expect(delays == [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000].map { .milliseconds($0) })
        #expect(evaluator.restartCount == 12)
    }

    @Test("10 s of stable running resets the backoff, shorter runs do not")
    func backoffResetsAfterStableRun() {
        var backoff = RestartBackoff()
        let delays = [Duration.milliseconds(10), .seconds(9), .seconds(10), .seconds(1), .seconds(30)].map {
            backoff.nextDelay(afterRunning: $0)
        }
        #expect(delays == [100, 200, 100, 200, 100].map { .milliseconds($0) })
    }

    @Test("deploy delay is the backoff base, and a base above 30 s is not cut down")
    func deployDelayIsTheBase() {
        var backoff = RestartBackoff(base: .seconds(5))
        #expect((0..<4).map { _ in backoff.nextDelay(afterRunning: .zero) } == [5, 10, 20, 30].map { .seconds($0) })
        var slow = RestartBackoff(base: .seconds(45))
        #expect((0..<2).map { _ in slow.nextDelay(afterRunning: .zero) } == [.seconds(45), .seconds(45)])
        let rule = RestartRule(restart: .no, deploy: DeployRestartPolicy(condition: .any, delay: .seconds(2)))
        #expect(first(rule, Self.crash) == .restart(attempt: 1, after: .seconds(2)))
        let zero = RestartRule(restart: .no, deploy: DeployRestartPolicy(condition: .any, delay: .zero))
        #expect(first(zero, Self.crash) == .restart(attempt: 1, after: .milliseconds(100)))
    }

    @Test("on-failure:N allows N restarts, then gives up; a clean exit never uses one")
    func onFailureLimit() {
        var evaluator = RestartPolicyEvaluator(rule: RestartRule(restart: .onFailure(maxRetries: 2), deploy: nil))
        #expect(evaluator.decide(after: Self.crash, at: start) == .restart(attempt: 1, after: .milliseconds(100)))
        #expect(evaluator.decide(after: Self.crash, at: start + .seconds(1)) == .restart(attempt: 2, after: .milliseconds(200)))
        #expect(evaluator.decide(after: Self.crash, at: start + .seconds(2)) == .stayStopped(.attemptsExhausted(maxAttempts: 2)))
        #expect(evaluator.restartCount == 2)
        var clean = RestartPolicyEvaluator(rule: RestartRule(restart: .onFailure(maxRetries: 1), deploy: nil))
        #expect(clean.decide(after: Self.clean, at: start) == .stayStopped(.policy))
        #expect(clean.decide(after: Self.crash, at: start) == .restart(attempt: 1, after: .milliseconds(100)))
    }

    @Test("max_attempts counts only the restarts inside the window")
    func maxAttemptsWithinWindow() {
        let policy = DeployRestartPolicy(condition: .any, maxAttempts: 2, window: .seconds(60))
        var evaluator = RestartPolicyEvaluator(rule: RestartRule(restart: .no, deploy: policy))
        let table: [(at: Duration, restarts: Bool)] = [
            (.zero, true), (.seconds(10), true), (.seconds(20), false), (.seconds(59), false),
            (.seconds(61), true), (.seconds(65), false), (.seconds(200), true), (.seconds(201), true), (.seconds(202), false),
        ]
        for row in table {
            let decision = evaluator.decide(after: Self.crash, at: start + row.at)
            if row.restarts {
                guard case .restart = decision else { Issue.record("expected a restart at \(row.at), got \(decision)"); continue }
            } else {
                #expect(decision == .stayStopped(.attemptsExhausted(maxAttempts: 2)), "at \(row.at)")
            }
        }
    }

    @Test("max_attempts without a window counts every restart; zero means no limit")
    func maxAttemptsWithoutWindow() {
        var limited = RestartPolicyEvaluator(rule: RestartRule(restart: .no, deploy: DeployRestartPolicy(condition: .any, maxAttempts: 1)))
        #expect(limited.decide(after: Self.clean, at: start) == .restart(attempt: 1, after: .milliseconds(100)))
        #expect(limited.decide(after: Self.clean, at: start + .seconds(3600)) == .stayStopped(.attemptsExhausted(maxAttempts: 1)))
        let unlimited = RestartRule(restart: .no, deploy: DeployRestartPolicy(condition: .any, maxAttempts: 0))
        #expect(unlimited.maxAttempts == nil)
    }

    @Test("a user's stop is never undone, and uses no attempt")
    func userStopUsesNoAttempt() {
        var evaluator = RestartPolicyEvaluator(rule: RestartRule(restart: .onFailure(maxRetries: 1), deploy: nil))
        #expect(evaluator.decide(after: Self.userStop, at: start) == .stayStopped(.stopRequested))
        #expect(evaluator.decide(after: Self.crash, at: start) == .restart(attempt: 1, after: .milliseconds(100)))
    }

    @Test("the rule comes from a service's restart, deploy.restart_policy and x-slipway")
    func ruleFromService() {
        var service = Service(name: "api")
        service.restart = .onFailure(maxRetries: 5)
        service.slipway.restartOnUnhealthy = true
        #expect(RestartRule(service: service) == RestartRule(condition: .onFailure, maxAttempts: 5, restartOnUnhealthy: true))
        service.deployRestartPolicy = DeployRestartPolicy(condition: .any, delay: .seconds(1), maxAttempts: 3, window: .seconds(120))
        #expect(RestartRule(service: service) == RestartRule(
            condition: .always, maxAttempts: 3, baseDelay: .seconds(1), window: .seconds(120), restartOnUnhealthy: true))
    }
}
