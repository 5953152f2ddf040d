import Foundation
import Glibc
import Synchronization
import Testing
@testable import SlipwayRuntime

@Suite("HealthMonitor")
struct HealthMonitorTests {
    private let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]

    /// Collects a monitor's transitions as they arrive.
    private final class TransitionLog: Sendable {
        private let entries = Mutex<[HealthTransition]>([])
        var all: [HealthTransition] { entries.withLock { $0 } }
        var moves: [String] { all.map { "\($0.from)→\($0.to)" } }
        func append(_ transition: HealthTransition) { entries.withLock { $0.append(transition) } }

        func follow(_ monitor: HealthMonitor) -> Task<Void, Never> {
            Task { for await transition in monitor.transitions { self.append(transition) } }
        }
    }

    @Test("a server that starts listening late is seen healthy without waiting for the interval")
    func adaptiveProbingSeesLateListener() async throws {
        let server = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { server.stop() }
        let plan = HealthCheckPlan(check: .http(port: server.port, path: "/health/"), interval: .seconds(3600))
        let monitor = HealthMonitor(plan: plan, environment: [:], workingDirectory: nil, limiter: ProbeLimiter())
        let log = TransitionLog()
        let following = log.follow(monitor)
        await monitor.start()

        #expect(await HealthTesting.eventually { await monitor.probeCount >= 3 })
        #expect(await monitor.status == .starting)
        try server.startListening(status: 200)
        #expect(await HealthTesting.eventually { await monitor.status == .healthy })
        await monitor.stop()
        await following.value

        #expect(log.moves == ["starting→healthy"])
        #expect(log.all.first?.probe.reason == "HTTP 200")
        #expect(await monitor.failingStreak == 0)
        #expect(server.requestCount == 1)
    }

    @Test("retries and recovery follow a real flag-file probe through every transition")
    func retriesAndRecovery() async throws {
        let directory = try HealthTestDirectory()
        let plan = HealthCheckPlan(check: .shell("test -f flag"), interval: .milliseconds(100), timeout: .seconds(600), retries: 2)
        let monitor = HealthMonitor(plan: plan, environment: environment, workingDirectory: directory.path, limiter: ProbeLimiter())
        let log = TransitionLog()
        let following = log.follow(monitor)
        await monitor.start()

        #expect(await HealthTesting.eventually { log.all.count == 1 })
        try directory.write("", to: "flag")
        #expect(await HealthTesting.eventually { log.all.count == 2 })
        unlink(directory.file("flag"))
        #expect(await HealthTesting.eventually { log.all.count == 3 })
        try directory.write("", to: "flag")
        #expect(await HealthTesting.eventually { log.all.count == 4 })
        await monitor.stop()
        await following.value

        #expect(log.moves == ["starting→unhealthy", "unhealthy→healthy", "healthy→unhealthy", "unhealthy→healthy"])
        #expect(log.all.map(\.failingStreak) == [2, 0, 2, 0])
        #expect(log.all[0].probe.reason == "exit code 1")
    }

    @Test("failures inside start_period never make the instance unhealthy")
    func startPeriodHoldsStarting() async throws {
        let directory = try HealthTestDirectory()
        let plan = HealthCheckPlan(check: .shell("test -f flag"), interval: .milliseconds(50), retries: 1,
                                   startPeriod: .seconds(3600), startInterval: .milliseconds(50))
        let monitor = HealthMonitor(plan: plan, environment: environment, workingDirectory: directory.path, limiter: ProbeLimiter())
        let log = TransitionLog()
        let following = log.follow(monitor)
        await monitor.start()

        #expect(await HealthTesting.eventually { await monitor.probeCount >= 5 })
        #expect(await monitor.status == .starting)
        #expect(await monitor.failingStreak == 0)
        try directory.write("", to: "flag")
        #expect(await HealthTesting.eventually { await monitor.status == .healthy })
        await monitor.stop()
        await following.value
        #expect(log.moves == ["starting→healthy"])
    }

    @Test("stop kills the probe in flight and ends the transitions")
    func stopKillsProbe() async throws {
        let directory = try HealthTestDirectory()
        let plan = HealthCheckPlan(check: .shell("echo $$ > probe.pid; exec sleep 1000"), timeout: .seconds(3600))
        let monitor = HealthMonitor(plan: plan, environment: environment, workingDirectory: directory.path, limiter: ProbeLimiter())
        let log = TransitionLog()
        let following = log.follow(monitor)
        await monitor.start()
        #expect(await HealthTesting.eventually { directory.read("probe.pid")?.hasSuffix("\n") == true })
        await monitor.stop()
        await following.value

        let pid = try #require(directory.read("probe.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(HealthTesting.processIsGone(pid))
        #expect(log.all.isEmpty)
    }

    /// Each failing probe records how many probes are running (marker files
    /// it creates and removes itself). A probe killed by `stop()` would leave
    /// its marker behind and inflate later counts, so the monitors are brought
    /// to healthy — where they wait a one-hour interval — before they stop,
    /// and no probe is cut short.
    @Test("the shared limiter bounds probes in flight across monitors")
    func limiterBoundsProbes() async throws {
        let directory = try HealthTestDirectory()
        let limiter = ProbeLimiter(limit: 2)
        let script = "test -f enough && exit 0; touch running.$$; ls running.* | wc -l >> counts.$$; sleep 0.05; rm running.$$; exit 1"
        let plan = HealthCheckPlan(check: .shell(script), interval: .seconds(3600), timeout: .seconds(3600))
        let monitors = (0..<6).map { _ in
            HealthMonitor(plan: plan, environment: environment, workingDirectory: directory.path, limiter: limiter)
        }
        for monitor in monitors { await monitor.start() }
        #expect(await HealthTesting.eventually {
            var total = 0
            for monitor in monitors { total += await monitor.probeCount }
            return total >= 18
        })
        try directory.write("", to: "enough")
        #expect(await HealthTesting.eventually {
            for monitor in monitors {
                if await monitor.status != .healthy { return false }
            }
            return true
        })
        for monitor in monitors { await monitor.stop() }

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.filter { $0.hasPrefix("running.") }.isEmpty, "every probe ran to its end")
        let counts = files.filter { $0.hasPrefix("counts.") }.flatMap {
            (directory.read($0) ?? "").split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        #expect(counts.count >= 18)
        #expect(counts.allSatisfy { $0 <= 2 }, "probes in flight seen by the probes: \(counts)")
        #expect(await limiter.peakInFlight == 2)
    }
}
