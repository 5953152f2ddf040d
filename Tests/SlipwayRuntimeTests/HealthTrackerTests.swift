import Testing
@testable import SlipwayRuntime

@Suite("HealthTracker")
struct HealthTrackerTests {
    private let failure = ProbeResult(isHealthy: false, reason: "exit code 1", duration: .milliseconds(1))
    private let success = ProbeResult(isHealthy: true, reason: "exit code 0", duration: .milliseconds(1))

    private func plan(interval: Duration = .seconds(30), retries: Int = 3, startPeriod: Duration = .zero,
                      startInterval: Duration = .seconds(5)) -> HealthCheckPlan {
        HealthCheckPlan(check: .shell("true"), interval: interval, retries: retries,
                        startPeriod: startPeriod, startInterval: startInterval)
    }

    @Test("adaptive spacing starts at 50 ms and grows ×1.5 up to 500 ms")
    func adaptiveSpacingGrows() {
        var tracker = HealthTracker(plan: plan())
        #expect(tracker.firstProbeDelay == .milliseconds(50))
        var spacings: [Duration] = []
        var moment = Duration.milliseconds(50)
        for _ in 0..<7 {
            _ = tracker.record(failure, startedAt: moment)
            let delay = tracker.delayBeforeNextProbe(runTime: .milliseconds(1), now: moment + .milliseconds(1))
            spacings.append(delay + .milliseconds(1))
            moment += delay + .milliseconds(1)
        }
        let expected: [Duration] = [.microseconds(75_000), .microseconds(112_500), .microseconds(168_750),
                                    .nanoseconds(253_125_000), .nanoseconds(379_687_500), .milliseconds(500), .milliseconds(500)]
        #expect(spacings == expected)
    }

    @Test("adaptive spacing is never less than twice the probe's run time, nor sparser than compose's")
    func adaptiveSpacingRespectsRunTimeAndComposeSpacing() {
        var tracker = HealthTracker(plan: plan())
        _ = tracker.record(failure, startedAt: .milliseconds(50))
        #expect(tracker.delayBeforeNextProbe(runTime: .milliseconds(400), now: .milliseconds(450)) == .milliseconds(400))

        var tight = HealthTracker(plan: plan(interval: .milliseconds(200)))
        _ = tight.record(failure, startedAt: .milliseconds(50))
        #expect(tight.delayBeforeNextProbe(runTime: .milliseconds(150), now: .milliseconds(200)) == .milliseconds(50))
        #expect(tight.delayBeforeNextProbe(runTime: .seconds(1), now: .seconds(1)) == .zero)
    }

    @Test("while starting, failures count only on compose's own schedule")
    func startingFailuresFollowComposeSchedule() {
        var tracker = HealthTracker(plan: plan(interval: .seconds(30), retries: 3))
        let table: [(at: Duration, streak: Int, change: HealthStatus?)] = [
            (.milliseconds(50), 0, nil), (.seconds(10), 0, nil), (.seconds(29), 0, nil),
            (.seconds(30), 1, nil), (.seconds(31), 1, nil), (.seconds(59), 1, nil),
            (.seconds(60), 2, nil), (.seconds(89), 2, nil), (.seconds(90), 3, .unhealthy),
        ]
        for row in table {
            let change = tracker.record(failure, startedAt: row.at)
            #expect(change == row.change, "at \(row.at)")
            #expect(tracker.failingStreak == row.streak, "at \(row.at)")
        }
        #expect(tracker.adaptiveSpacing == nil)
        #expect(tracker.delayBeforeNextProbe(runTime: .milliseconds(1), now: .seconds(90)) == .seconds(30))
    }

    @Test("failures inside start_period never count; the first one after it does")
    func startPeriodIgnoresFailures() {
        var tracker = HealthTracker(plan: plan(interval: .seconds(1), retries: 1, startPeriod: .seconds(10)))
        for second in 0..<10 {
            #expect(tracker.record(failure, startedAt: .seconds(second)) == nil)
        }
        #expect(tracker.failingStreak == 0)
        #expect(tracker.record(failure, startedAt: .seconds(10)) == .unhealthy)
    }

    @Test("during start_period adaptive probes are capped by start_interval, afterwards by interval")
    func composeSpacingFollowsStartPeriod() {
        var tracker = HealthTracker(plan: plan(interval: .seconds(2), startPeriod: .seconds(10), startInterval: .milliseconds(100)))
        _ = tracker.record(failure, startedAt: .milliseconds(50))
        #expect(tracker.delayBeforeNextProbe(runTime: .seconds(1), now: .seconds(5)) == .zero)
        #expect(tracker.delayBeforeNextProbe(runTime: .seconds(1), now: .seconds(11)) == .seconds(1))
    }

    @Test("a success ends the start period and adaptive probing; then retries consecutive failures make it unhealthy")
    func healthyThenUnhealthyThenHealthy() {
        var tracker = HealthTracker(plan: plan(interval: .seconds(5), retries: 2, startPeriod: .seconds(60)))
        #expect(tracker.record(success, startedAt: .milliseconds(200)) == .healthy)
        #expect(tracker.adaptiveSpacing == nil)
        #expect(tracker.delayBeforeNextProbe(runTime: .milliseconds(1), now: .milliseconds(201)) == .seconds(5))
        #expect(tracker.record(failure, startedAt: .seconds(5)) == nil)
        #expect(tracker.failingStreak == 1)
        #expect(tracker.record(success, startedAt: .seconds(10)) == nil)
        #expect(tracker.failingStreak == 0)
        #expect(tracker.record(failure, startedAt: .seconds(15)) == nil)
        #expect(tracker.record(failure, startedAt: .seconds(20)) == .unhealthy)
        #expect(tracker.record(failure, startedAt: .seconds(25)) == nil)
        #expect(tracker.failingStreak == 3)
        #expect(tracker.record(success, startedAt: .seconds(30)) == .healthy)
    }
}
