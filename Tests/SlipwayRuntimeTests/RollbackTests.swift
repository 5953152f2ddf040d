import ComposeKit
import Foundation
import Glibc
import SlipwayStore
import Testing
@testable import SlipwayRuntime

/// Automatic rollbacks inside the monitor window and `slipway rollback`,
/// against a real supervisor, real processes and the real proxy.
@Suite("Rollback: automatic after the switch, and on demand")
struct RollbackTests {
    /// A health check that passes once the server listens, and fails once
    /// `broken-<version>` exists in the project directory.
    static let breakableCheck = """
        healthcheck: {test: [CMD, bash, -c, 'test ! -e broken-$$VERSION && exec 3<>/dev/tcp/127.0.0.1/$$PORT'], \
        interval: 100ms, timeout: 10s, retries: 3, start_period: 60s}
        """

    static func compose(_ version: String, monitor: String = "30s", deploy: String = "") -> String {
        DeployTests.compose(
            version, web: breakableCheck, deploy: "drain: 30s, keep_previous: 5m, monitor: \(monitor)",
            more: deploy.isEmpty ? "" : "    deploy: \(deploy)")
    }

    /// The rollback's own monitor is short, so its row settles within the test.
    static let quickRollback = "{rollback_config: {monitor: 1s}}"

    @Test func aCrashAfterTheSwitchRollsBackToTheWarmPreviousVersion() async throws {
        let harness = try DeployHarness(Self.compose("v1", deploy: Self.quickRollback))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        try harness.rewrite(Self.compose("v2", deploy: Self.quickRollback))
        let (report, _) = try await harness.deploy(["web"])
        let served = await harness.get(port)
        let green = await harness.instances("web").first { $0.name == "deploytest-web-2" }?.pid
        if let green { kill(green, SIGKILL) }
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .rolledBack, .superseded] }
        let after = await harness.get(port)
        let history = harness.deployments("web")
        let restore = history.first.map { harness.events($0.id).map(\.detail) } ?? []
        let names = await harness.instances("web").map(\.name)
        let story = harness.story("web")
        let (retried, _) = try await harness.deploy(["web"])
        await harness.finish()

        #expect(failure == nil)
        #expect(report.entries.map(\.outcome) == [.deployed])
        #expect(served == "v2", "\(story)")
        #expect(green != nil)
        #expect(settled, "\(history.map(\.status))")
        #expect(history.map(\.source) == [.autoRollback, .deploy, .up])
        #expect(history.first?.rollbackOfID == history.dropFirst().first?.id)
        #expect(history.first?.switchedAt != nil, "the restore onto the warm instance is stamped as a switch")
        #expect(history.dropFirst().first?.reason?.contains("exited") == true, "\(history.dropFirst().first?.reason ?? "")")
        #expect(restore.contains { $0.contains("traffic back in") }, "\(restore)")
        #expect(after == "v1")
        #expect(names == ["deploytest-web-1"], "the warm previous instance serves again")
        #expect(retried.entries.map(\.outcome) == [.deployed], "the files' version is not what runs after the rollback")
    }

    /// v1 up and serving, then v2 deployed while a keep-alive load runs, until the load sees v2.
    struct LiveUnderLoad {
        let harness: DeployHarness
        let port: Int
        let load: KeepAliveLoad
        let upFailure: UpError?
        let v1Served: Bool
        let outcomes: [DeployReport.Outcome]
        let v2Served: Bool

        func expectDeployedUnderLoad(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(upFailure == nil, sourceLocation: sourceLocation)
            #expect(v1Served, sourceLocation: sourceLocation)
            #expect(outcomes == [.deployed], sourceLocation: sourceLocation)
            #expect(v2Served, sourceLocation: sourceLocation)
        }
    }

    static func deployV2UnderLoad() async throws -> LiveUnderLoad {
        let harness = try DeployHarness(compose("v1", deploy: quickRollback))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        let v1Served = await eventuallyAsync { await harness.get(port) == "v1" }
        try harness.rewrite(compose("v2", deploy: quickRollback))
        let load = KeepAliveLoad(port: port, clients: 4)
        let (report, _) = try await harness.deploy(["web"])
        let v2Served = await eventually { load.current.bodies.contains("v2") }
        return LiveUnderLoad(
            harness: harness, port: port, load: load, upFailure: failure, v1Served: v1Served,
            outcomes: report.entries.map(\.outcome), v2Served: v2Served)
    }

    /// The crash is seen and traffic restored within milliseconds, but requests
    /// arrive in between: the proxy's fallback (the warm previous instance)
    /// takes every one the dead instance refuses or drops unanswered.
    @Test func aCrashAfterTheSwitchUnderLoadLosesNoRequest() async throws {
        let live = try await Self.deployV2UnderLoad()
        let (harness, port, load) = (live.harness, live.port, live.load)
        let green = await harness.instances("web").first { $0.name == "deploytest-web-2" }?.pid
        if let green { kill(green, SIGKILL) }
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .rolledBack, .superseded] }
        let servedAfter = load.current.succeeded
        let loadGoesOn = await eventually { load.current.succeeded > servedAfter + 20 }
        let figures = await load.stop()
        let fellBack = await harness.supervisor.proxy.stats().listeners.map(\.fellBack).reduce(0, +)
        await harness.finish()

        live.expectDeployedUnderLoad()
        #expect(green != nil)
        #expect(settled, "\(harness.deployments("web").map(\.status))")
        #expect(loadGoesOn)
        #expect(figures.failed == 0, "\(figures.failed) of \(figures.succeeded + figures.failed) requests failed (\(fellBack) fell back)")
    }

    @Test func healthFailingInTheWindowRollsBackWithoutAFailedRequest() async throws {
        let live = try await Self.deployV2UnderLoad()
        let (harness, port, load) = (live.harness, live.port, live.load)
        try harness.breakHealth(of: "v2")
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .rolledBack, .superseded] }
        let backOnV1 = await eventuallyAsync { await harness.get(port) == "v1" }
        let figures = await load.stop()
        let rolledBack = harness.deployments("web").dropFirst().first
        await harness.finish()

        live.expectDeployedUnderLoad()
        #expect(settled, "\(harness.deployments("web").map(\.status))")
        #expect(rolledBack?.reason?.contains("health checks in a row") == true, "\(rolledBack?.reason ?? "")")
        #expect(backOnV1)
        #expect(figures.failed == 0, "\(figures.failed) of \(figures.succeeded + figures.failed) requests failed")
    }

    @Test func failureActionPauseLeavesTheNewVersionServingAndThePreviousWarm() async throws {
        let pause = "{update_config: {failure_action: pause}, rollback_config: {monitor: 1s}}"
        let harness = try DeployHarness(Self.compose("v1", deploy: pause))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        try harness.rewrite(Self.compose("v2", deploy: pause))
        _ = try await harness.deploy(["web"])
        try harness.breakHealth(of: "v2")
        let paused = await eventually {
            harness.deployments("web").first.map { harness.events($0.id).contains { $0.detail.contains("failure_action pause") } } ?? false
        }
        let body = await harness.get(port)
        let statuses = harness.deployments("web").map(\.status)
        let names = await harness.instances("web").map(\.name)
        let (decided, _) = try await harness.rollback("web")
        let afterRollback = await harness.get(port)
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .rolledBack, .superseded] }
        let namesAfter = await harness.instances("web").map(\.name)
        let story = harness.story("web")
        await harness.finish()

        #expect(failure == nil)
        #expect(paused)
        #expect(body == "v2")
        #expect(statuses == [.switching, .active], "\(statuses)")
        #expect(Set(names) == ["deploytest-web-1", "deploytest-web-2"])
        #expect(decided.entries.map(\.outcome) == [.deployed])
        #expect(afterRollback == "v1")
        #expect(settled, "\(story)")
        #expect(namesAfter == ["deploytest-web-1"], "the warm previous instance takes the traffic back\n\(story)")
    }

    @Test func failureActionContinueLetsTheWindowRunOut() async throws {
        let goOn = "{update_config: {failure_action: continue}}"
        // The window must hold three failed checks even on a loaded machine, where each
        // spawn of the check can take a second; health breaks the moment traffic switches.
        let harness = try DeployHarness(Self.compose("v1", monitor: "20s", deploy: goOn))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        try harness.rewrite(Self.compose("v2", monitor: "20s", deploy: goOn))
        _ = try await harness.deploy(["web"]) { step in
            if step.step == .switched { try? harness.breakHealth(of: "v2") }
        }
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .superseded] }
        let timeline = harness.deployments("web").first.map { harness.events($0.id).map(\.detail) } ?? []
        let body = await harness.get(port)
        await harness.finish()

        #expect(failure == nil)
        #expect(settled, "\(harness.deployments("web").map(\.status))")
        #expect(timeline.contains { $0.contains("failure_action continue") }, "\(timeline)")
        #expect(body == "v2")
    }

    @Test func rollbackReturnsToThePreviousVersionAndToOneNamedByID() async throws {
        let harness = try DeployHarness(Self.compose("v1", monitor: "0s"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        try harness.rewrite(Self.compose("v2", monitor: "0s"))
        _ = try await harness.deploy(["web"])
        _ = await eventually { harness.deployments("web").map(\.status) == [.active, .superseded] }
        let load = KeepAliveLoad(port: port, clients: 4)
        let (back, steps) = try await harness.rollback("web")
        let afterBack = await harness.get(port)
        let v2 = try #require(harness.deployments("web").first { $0.source == .deploy })
        let backSettled = await eventually { harness.deployments("web").first?.status == .active }
        let (forward, _) = try await harness.rollback("web", to: v2.id)
        let afterForward = await harness.get(port)
        // The rollback it undoes is marked once the forward one's (zero) monitor window has passed.
        _ = await eventually { harness.deployments("web").dropFirst().first?.status == .rolledBack }
        let figures = await load.stop()
        let history = harness.deployments("web")
        await harness.finish()

        #expect(failure == nil)
        #expect(back.entries.map(\.outcome) == [.deployed], "\(back)")
        #expect(steps.first?.step == .rollingBack)
        #expect(afterBack == "v1")
        #expect(backSettled)
        #expect(forward.entries.map(\.outcome) == [.deployed], "\(forward)")
        #expect(afterForward == "v2")
        #expect(history.map(\.source) == [.rollback, .rollback, .deploy, .up])
        #expect(history[1].rollbackOfID == v2.id && history[1].status == .rolledBack, "\(history.map(\.status))")
        #expect(figures.failed == 0, "\(figures.failed) of \(figures.succeeded + figures.failed) requests failed")
    }

    @Test func aRollbackToADeploymentThatNeverWentLiveOrServesNowIsRefused() async throws {
        let harness = try DeployHarness(Self.compose("v1", monitor: "0s"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        _ = await eventually { harness.deployments("web").first?.status == .active }
        let noEarlier = await refusal { try await harness.rollback("web") }
        let broken = Self.compose("v2", monitor: "0s").replacingOccurrences(of: "exec python3 server.py", with: "exit 1")
        try harness.rewrite(broken)
        _ = try await harness.deploy(["web"])
        let failed = try #require(harness.deployments("web").first)
        let neverLive = await refusal { try await harness.rollback("web", to: failed.id) }
        let serving = try #require(harness.deployments("web").last)
        let servesNow = await refusal { try await harness.rollback("web", to: serving.id) }
        let unknown = await refusal { try await harness.rollback("web", to: 999) }
        let body = await harness.get(port)
        await harness.finish()

        #expect(failure == nil)
        #expect(failed.status == .failed)
        #expect(noEarlier?.contains("no earlier deployment that went live") == true, "\(noEarlier ?? "")")
        #expect(neverLive?.contains("never went live (failed") == true, "\(neverLive ?? "")")
        #expect(servesNow?.contains("is the version serving now") == true, "\(servesNow ?? "")")
        #expect(unknown?.contains("has no deployment 999") == true, "\(unknown ?? "")")
        #expect(body == "v1")
    }

    private func refusal(_ attempt: () async throws -> (DeployReport, [DeployProgress])) async -> String? {
        do {
            _ = try await attempt()
            return nil
        } catch let failure as ControlFailure {
            return failure.message
        } catch {
            return "\(error)"
        }
    }
}

extension DeployHarness {
    /// Makes the breakable health check of `version` fail from now on.
    func breakHealth(of version: String) throws {
        try Data().write(to: URL(fileURLWithPath: directory.path + "/broken-" + version))
    }
}
