import ComposeKit
import Foundation
import SlipwayStore
import SlipwayTestSupport
import Testing
@testable import SlipwayRuntime

/// `slipway deploy` and `up -d` on a running project, against a real
/// supervisor, real processes and the real proxy: the compose file is
/// rewritten on disk and deployed.
@Suite("Deploy: blue-green through the proxy")
struct DeployTests {
    /// Fast settings so a test does not wait out production defaults. A drain ends once nothing is
    /// in flight; its long limit only spares a request that a loaded machine paused at the switch.
    static let quick = "drain: 30s, keep_previous: 0s, monitor: 1s"

    static func compose(
        _ version: String, web extra: String = "", deploy: String = quick, release: String? = nil, more: String = ""
    ) -> String {
        """
        name: deploytest
        services:
          web:
            command: exec python3 server.py
            working_dir: .
            environment: {VERSION: \(version)}
            ports: ["8000"]
            x-slipway: {proxy: http, deploy: {\(deploy)}\(release.map { ", release: '\($0)'" } ?? "")}
        \(extra.isEmpty ? "" : "    " + extra)
        \(more)
        """
    }

    @Test func aChangedServiceIsDeployedBlueGreenAndTheOldInstanceEnds() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        let before = await eventuallyBody(harness, port) { $0 == "v1" }
        let blue = await harness.instances("web").first
        try harness.rewrite(Self.compose("v2"))
        let (report, steps) = try await harness.deploy(["web"])
        let after = await harness.get(port)
        let instances = await harness.instances("web")
        let blueGone = await eventually { blue?.pid.map { !processExists($0) } ?? false }
        let records = ProcessRecordStore(harness.supervisor.stateDirectory).all().map(\.instance)
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .superseded] }
        let history = harness.deployments("web")
        let timeline = history.first.map { harness.events($0.id).map(\.kind) } ?? []
        let log = harness.logFile("web")
        await harness.finish()

        #expect(failure == nil)
        #expect(settled, "\(history.map(\.status))")
        #expect(history.map(\.source) == [.deploy, .up])
        #expect(history.first?.switchedAt != nil && history.first?.healthyAt != nil)
        #expect(history.first?.snapshotHash != history.last?.snapshotHash)
        #expect(timeline.contains(.proxySwitch) && timeline.contains(.drain) && timeline.contains(.health))
        #expect(before == "v1")
        #expect(report.entries.map(\.outcome) == [.deployed], "\(report)")
        #expect(after == "v2")
        #expect(steps.map(\.step) == [.starting, .started, .healthy, .switched, .draining, .drained, .stoppingPrevious, .stoppedPrevious, .live])
        #expect(steps.first { $0.step == .switched }?.instance == "web-2")
        #expect(instances.map(\.name) == ["deploytest-web-2"])
        #expect(blue?.name == "deploytest-web-1")
        #expect(blueGone)
        #expect(records == [2])
        #expect(log.contains(" out serving v1\n") && log.contains(" out [web-2] serving v2\n"), "\(log)")
    }

    @Test func anUnchangedServiceIsUpToDateUnlessForced() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let failure = await harness.up()
        let (unchanged, _) = try await harness.deploy(["web"])
        let afterNoOp = await harness.instances("web").map(\.name)
        let (forced, _) = try await harness.deploy(["web"], force: true)
        let afterForce = await harness.instances("web").map(\.name)
        await harness.finish()

        #expect(failure == nil)
        #expect(unchanged.entries.map(\.outcome) == [.upToDate])
        #expect(afterNoOp == ["deploytest-web-1"])
        #expect(forced.entries.map(\.outcome) == [.deployed])
        #expect(afterForce == ["deploytest-web-2"])
    }

    @Test func aFailingReleaseCommandLeavesTheOldVersionServing() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        try await expectFailedDeploy(
            harness, to: Self.compose("v2", release: "echo migration broke; exit 3"),
            reason: "release command exited with code 3", lastLine: "migration broke")
    }

    @Test func aNewVersionThatNeverTurnsHealthyLeavesTheOldVersionServing() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let check = "healthcheck: {test: [CMD-SHELL, 'test \"$$VERSION\" = v1'], interval: 100ms, timeout: 1s, retries: 2}"
        try await expectFailedDeploy(harness, to: Self.compose("v2", web: check), reason: "is unhealthy", lastLine: nil)
    }

    @Test func aNewVersionThatExitsAtStartLeavesTheOldVersionServing() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let broken = Self.compose("v2").replacingOccurrences(
            of: "exec python3 server.py", with: "echo cannot open the database; exit 1")
        try await expectFailedDeploy(harness, to: broken, reason: "exited before it was ready", lastLine: "cannot open the database")
    }

    /// Deploys `next`, which must fail before the switch: v1 answers throughout.
    private func expectFailedDeploy(_ harness: DeployHarness, to next: String, reason: String, lastLine: String?) async throws {
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        let before = await eventuallyBody(harness, port) { $0 == "v1" }
        try harness.rewrite(next)
        let load = KeepAliveLoad(port: port, clients: 2)
        let (report, steps) = try await harness.deploy(["web"])
        let figures = await load.stop()
        let after = await harness.get(port)
        let instances = await harness.instances("web")
        let (retry, _) = try await harness.deploy(["web"])
        let logged = harness.deployments("web")
        await harness.finish()

        #expect(failure == nil)
        #expect(before == "v1")
        let entry = try #require(report.entries.first)
        #expect(entry.outcome == .failed)
        #expect(entry.reason.contains(reason), "\(entry.reason)")
        if let lastLine { #expect(entry.lastLines.contains(lastLine), "\(entry.lastLines)") }
        #expect(steps.last?.step == .failed)
        #expect(!steps.contains { $0.step == .switched })
        #expect(after == "v1")
        #expect(figures.failed == 0 && figures.bodies == ["v1"], "\(figures)")
        #expect(instances.map(\.name) == ["deploytest-web-1"])
        #expect(instances.first?.state == .running)
        #expect(retry.entries.map(\.outcome) == [.failed], "a failed deploy is tried again, not taken as up to date")
        #expect(logged.map(\.status) == [.failed, .failed, .active], "\(logged.map(\.status))")
        #expect(logged.first?.reason?.contains(reason) == true, "\(logged.first?.reason ?? "")")
    }

    @Test func deploymentsAnEarlierSupervisorLeftUnfinishedAreMarkedInterrupted() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        try FileManager.default.createDirectory(atPath: harness.supervisor.stateDirectory.path, withIntermediateDirectories: true)
        let earlier = try DeploymentLog(path: harness.logPath)
        let unfinished = try earlier.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "sha256:0")
        try earlier.transition(unfinished.id, to: .starting)
        let failure = await harness.up()
        let after = try earlier.deployment(id: unfinished.id)
        await harness.finish()

        #expect(failure == nil)
        #expect(after?.status == .interrupted)
    }

    @Test func aServiceWithoutPortsStartsTheNewInstanceThenStopsTheOld() async throws {
        let worker = """
              worker:
                command: exec sleep 1000
                environment: {VERSION: VER}
            """
        let harness = try DeployHarness(Self.compose("v1", more: worker.replacingOccurrences(of: "VER", with: "w1")))
        let failure = await harness.up()
        let old = await harness.instances("worker").first?.pid
        try harness.rewrite(Self.compose("v1", more: worker.replacingOccurrences(of: "VER", with: "w2")))
        let (report, steps) = try await harness.deploy()
        let instances = await harness.instances("worker")
        let oldGone = await eventually(within: .seconds(60)) { old.map { !processExists($0) } ?? false }
        await harness.finish()

        #expect(failure == nil)
        #expect(Set(report.entries.map { "\($0.service) \($0.outcome.rawValue)" }) == ["web up to date", "worker deployed"])
        let order = steps.filter { $0.service == "worker" }.map(\.step)
        #expect(order == [.starting, .started, .healthy, .stoppingPrevious, .stoppedPrevious, .live])
        #expect(instances.map(\.name) == ["deploytest-worker-2"])
        #expect(instances.first?.state == .running)
        #expect(oldGone)
    }

    @Test func recreateStopsTheOldInstanceBeforeStartingTheNew() async throws {
        let harness = try DeployHarness(Self.compose("v1", deploy: "strategy: recreate, \(Self.quick)"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        try harness.rewrite(Self.compose("v2", deploy: "strategy: recreate, \(Self.quick)"))
        let (report, steps) = try await harness.deploy(["web"])
        let after = await eventuallyBody(harness, port) { $0 == "v2" }
        await harness.finish()

        #expect(failure == nil)
        #expect(report.entries.map(\.outcome) == [.deployed])
        #expect(steps.map(\.step).prefix(3) == [.stoppingPrevious, .stoppedPrevious, .starting])
        #expect(after == "v2")
    }

    @Test func upOnARunningProjectDeploysWhatChangedStartsWhatIsNewAndRemovesOrphans() async throws {
        let extra = """
              old:
                command: exec sleep 1000
            """
        let harness = try DeployHarness(Self.compose("v1", more: extra))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        let added = """
              added:
                command: exec sleep 1000
            """
        try harness.rewrite(Self.compose("v2", more: added))
        let (kept, _) = try await harness.deploy(source: .up)
        let orphanStillRuns = await harness.instances("old").first?.state == .running
        let (removed, _) = try await harness.deploy(source: .up, removeOrphans: true)
        let names = (try? await harness.supervisor.status(services: []).instances.map(\.service)) ?? []
        let body = await harness.get(port)
        await harness.finish()

        #expect(failure == nil)
        #expect(Set(kept.entries.map { "\($0.service) \($0.outcome.rawValue)" }) == ["web deployed", "added created", "old orphaned"])
        #expect(orphanStillRuns)
        #expect(Set(removed.entries.map { "\($0.service) \($0.outcome.rawValue)" }) == ["web up to date", "added up to date", "old removed"])
        #expect(Set(names) == ["web", "added"])
        #expect(body == "v2")
    }

    @Test func noRequestFailsUnderKeepAliveLoadWhileDeploysHappen() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        _ = await eventuallyBody(harness, port) { $0 == "v1" }
        let load = KeepAliveLoad(port: port, clients: 4)
        var outcomes: [DeployReport.Outcome] = []
        for version in ["v2", "v3", "v4"] {
            try harness.rewrite(Self.compose(version))
            outcomes += try await harness.deploy(["web"]).0.entries.map(\.outcome)
            let served = await eventually { load.current.bodies.contains(version) }
            #expect(served, "\(version) never answered under load")
        }
        let figures = await load.stop()
        await harness.finish()

        #expect(failure == nil)
        #expect(outcomes == [.deployed, .deployed, .deployed])
        #expect(figures.succeeded > 0)
        #expect(figures.failed == 0, "\(figures.failed) of \(figures.succeeded + figures.failed) requests failed")
    }

    private func eventuallyBody(_ harness: DeployHarness, _ port: Int, _ condition: (String) -> Bool) async -> String? {
        let end = ContinuousClock.now + .seconds(60)
        var body: String?
        while ContinuousClock.now < end {
            body = await harness.get(port)
            if let body, condition(body) { return body }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return body
    }
}
