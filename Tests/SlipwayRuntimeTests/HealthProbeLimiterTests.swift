import Testing
@testable import SlipwayRuntime

@Suite("ProbeLimiter")
struct HealthProbeLimiterTests {
    private let shellEnvironment = ["PATH": "/usr/bin:/bin"]

    @Test("a waiter cancelled before its turn gives up without taking a permit", .timeLimit(.minutes(3)))
    func cancelledWaiterTakesNoPermit() async throws {
        let directory = try HealthTestDirectory()
        let limiter = ProbeLimiter(limit: 1)
        let holding = HealthProbe(check: .shell("touch held; while [ ! -f release ]; do sleep 0.01; done"),
                                  timeout: .seconds(60), environment: shellEnvironment, workingDirectory: directory.path)
        let holder = Task { try await limiter.withPermit { await holding.run() } }
        #expect(await HealthTesting.eventually { directory.read("held") != nil })

        let waiting = HealthProbe(check: .shell("touch waiter-ran"), timeout: .seconds(60),
                                  environment: shellEnvironment, workingDirectory: directory.path)
        let waiter = Task { try await limiter.withPermit { await waiting.run() } }
        #expect(await HealthTesting.eventually { await limiter.waitingCount == 1 })
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }

        try directory.write("", to: "release")
        #expect(try await holder.value.isHealthy)
        let next = try await limiter.withPermit { await HealthProbe(check: .shell("true"), timeout: .seconds(60)).run() }
        #expect(next.isHealthy)
        #expect(directory.read("waiter-ran") == nil)
        #expect(await limiter.waitingCount == 0)
        #expect(await limiter.peakInFlight == 1)
    }
}
