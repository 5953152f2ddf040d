import ComposeKit
import Foundation
import Glibc
import SlipwayProxy
import SlipwayTestSupport
import Testing
@testable import SlipwayRuntime

/// The defects issue #11 found in the one-instance `ServiceRunner`; each
/// test failed on that code.
@Suite("Service runner: instances, routing and concurrent requests")
struct ServiceRunnerDefectTests {
    private static let server = "exec python3 -m http.server --bind 127.0.0.1 $PORT"
    private static let webKey = ListenerKey(service: "web", containerPort: 8000)

    private static func web(_ script: String = server) -> Service {
        Service.shell("web", script) {
            $0.ports = [PortMapping(target: 8000)]
            $0.slipway.proxy = .http
        }
    }

    @Test func theProxyIsClearedWhenTheInstanceStopsOrCrashes() async throws {
        let crashing = Service.shell("crash", "sleep 0.3; exec python3 -c 'raise SystemExit(3)'") {
            $0.ports = [PortMapping(target: 9000)]
        }
        let harness = try SupervisorHarness([Self.web(), crashing])
        let failure = await harness.boundedUp()
        let proxy = harness.supervisor.proxy
        let routed = try await proxy.upstream(for: Self.webKey)?.instance
        _ = try await harness.supervisor.stop(services: ["web"], timeout: nil)
        let afterStop = try await proxy.upstream(for: Self.webKey)
        let crashKey = ListenerKey(service: "crash", containerPort: 9000)
        let clearedAfterCrash = await eventuallyAsync { await Self.isClear(proxy, crashKey) }
        await harness.boundedFinish()

        #expect(failure == nil)
        #expect(routed == "web-1")
        #expect(afterStop == nil)
        #expect(clearedAfterCrash)
    }

    private static func isClear(_ proxy: ReverseProxy, _ key: ListenerKey) async -> Bool {
        (try? await proxy.upstream(for: key)) == .some(nil)
    }

    @Test func aRestartSwitchesTrafficOnlyOnceTheNewInstanceListens() async throws {
        let harness = try SupervisorHarness([Self.web("sleep 1; " + Self.server)])
        let failure = await harness.boundedUp()
        let port = try #require(await harness.supervisor.snapshot(services: []).instances.first?.publishers.first?.publishedPort)
        let servedBefore = await eventuallyAsync { await LoopbackHTTP.get(port: port)?.contains(" 200 ") == true }
        let report = try await harness.supervisor.restart(services: ["web"], timeout: nil)
        let rightAfter = await LoopbackHTTP.get(port: port)
        let instances = await harness.supervisor.snapshot(services: []).instances
        let upstream = try await harness.supervisor.proxy.upstream(for: Self.webKey)?.instance
        let records = ProcessRecordStore(harness.supervisor.stateDirectory).all().map(\.instance)
        await harness.boundedFinish()

        #expect(failure == nil)
        #expect(servedBefore)
        #expect(report.entries.map(\.outcome) == [.restarted])
        #expect(rightAfter?.contains(" 200 ") == true, "\(rightAfter ?? "no response")")
        #expect(instances.map(\.name) == ["test-web-2"], "one id for ps, the proxy and the process record")
        #expect(upstream == "web-2")
        #expect(records == [2])
    }

    @Test func concurrentStartsRunOneInstanceAndStopLeavesNoProcess() async throws {
        let harness = try SupervisorHarness([Service.shell("worker", "exec sleep 1000")])
        let failure = await harness.boundedUp()
        let supervisor = harness.supervisor
        _ = try await supervisor.stop(services: ["worker"], timeout: nil)
        async let first = supervisor.start(services: ["worker"])
        async let second = supervisor.start(services: ["worker"])
        _ = try await (first, second)
        let records = ProcessRecordStore(supervisor.stateDirectory).all()
        _ = try await supervisor.stop(services: ["worker"], timeout: nil)
        let allGone = await eventually(within: .seconds(60)) { records.map(\.leader.pid).allSatisfy { !processExists($0) } }
        await harness.boundedFinish()

        #expect(failure == nil)
        #expect(records.count == 1, "\(records)")
        #expect(allGone, "a process outlived its stop")
    }

    @Test func aServiceStoppedBeforeItStartedCanBeStartedLater() async throws {
        let marker = "db-ready"
        let db = Service.shell("db", "exec sleep 1000") {
            // The start period keeps db starting, not unhealthy, however long a loaded machine
            // takes to reach the stop below.
            $0.healthcheck = Healthcheck(test: .shell("test -f \(marker)"), interval: .milliseconds(100), startPeriod: .seconds(3600))
        }
        let web = Service.shell("web", "exec sleep 1000") { $0.dependsOn = ["db": Dependency(condition: .serviceHealthy)] }
        let harness = try SupervisorHarness([db, web])
        let supervisor = harness.supervisor
        let bringUp = Task { await harness.up() }
        let waiting = await eventuallyAsync(within: .seconds(120)) { await Self.state(of: "web", supervisor) == .created && Self.hasStarted("db", supervisor) }
        _ = try await supervisor.stop(services: ["web"], timeout: nil)
        FileManager.default.createFile(atPath: harness.directory.path + "/" + marker, contents: nil)
        let failure = await within(.seconds(60)) { await bringUp.value }
        let started = try await supervisor.start(services: ["web"])
        let state = await Self.state(of: "web", supervisor)
        await harness.boundedFinish()

        #expect(waiting)
        #expect(failure == .some(nil))
        #expect(started.entries.map(\.outcome) == [.started], "\(started)")
        #expect(state == .running)
    }

    private static func state(of service: String, _ supervisor: Supervisor) async -> InstanceState? {
        await supervisor.snapshot(services: [service]).instances.first?.state
    }

    private static func hasStarted(_ service: String, _ supervisor: Supervisor) -> Bool {
        ProcessRecordStore(supervisor.stateDirectory).all().contains { $0.service == service }
    }

    @Test func healthPathWithoutAPortIsRefusedBeforeAnythingStarts() async throws {
        let db = Service.shell("db", "exec sleep 1000")
        let web = Service.shell("web", "exec sleep 1000") { $0.slipway.healthPath = "/health" }
        let harness = try SupervisorHarness([db, web])
        let failure = await harness.boundedUp()
        await harness.boundedFinish()

        guard case let .cannotStart(service, reason)? = failure else {
            Issue.record("expected cannotStart, got \(String(describing: failure))")
            return
        }
        #expect(service == "web")
        #expect(reason.contains("port"), "\(reason)")
        #expect(harness.events.filter { $0.kind == .started }.isEmpty)
    }

    /// A shim that starts an instance only once the test creates `spawn-go`
    /// in the project directory, so a request surely arrives while it
    /// spawns; `up`'s namespace probe (`__exec-ns`) passes straight through.
    private static func heldShim(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.path + "/held-shim"
        let script = """
            #!/bin/sh
            if [ "$1" != __shim ]; then exec '\(BuiltBinary.shim)' "$@"; fi
            while [ ! -e '\(directory.path)/spawn-go' ]; do sleep 0.05; done
            exec '\(BuiltBinary.shim)' "$@"

            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    private static func releaseShim(_ harness: SupervisorHarness) {
        FileManager.default.createFile(atPath: harness.directory.path + "/spawn-go", contents: nil)
    }

    private static let stubborn = Service.shell("stubborn", "trap '' TERM; exec sleep 1000") { $0.stopGracePeriod = .seconds(60) }

    @Test func aStopTimeoutThatArrivesDuringTheSpawnIsKept() async throws {
        let harness = try SupervisorHarness([Self.stubborn], shim: Self.heldShim)
        let supervisor = harness.supervisor
        let bringUp = Task { await harness.up() }
        let spawning = await eventuallyAsync(within: .seconds(120)) { await Self.state(of: "stubborn", supervisor) == .starting }
        let began = ContinuousClock.now
        let stopping = Task { await within(.seconds(100)) { try await supervisor.stop(services: ["stubborn"], timeout: .milliseconds(200)) } }
        let asked = await eventually(within: .seconds(120)) { harness.kinds(of: "stubborn").contains(.stopping) }
        Self.releaseShim(harness)
        let stopped = await stopping.value
        let took = ContinuousClock.now - began
        _ = await bringUp.value
        await harness.boundedFinish()

        #expect(spawning && asked)
        #expect(stopped?.entries.map(\.outcome) == [.stopped])
        #expect(took < .seconds(50), "the stop took \(took): the 200 ms timeout was lost and the 60 s grace period ran")
    }

    @Test func aKillThatArrivesDuringTheSpawnIsKept() async throws {
        let harness = try SupervisorHarness([Self.stubborn], shim: Self.heldShim)
        let supervisor = harness.supervisor
        let bringUp = Task { await harness.up() }
        let spawning = await eventuallyAsync(within: .seconds(120)) { await Self.state(of: "stubborn", supervisor) == .starting }
        await supervisor.kill()
        Self.releaseShim(harness)
        let began = ContinuousClock.now
        await harness.boundedWaitUntilAllEnded()
        let took = ContinuousClock.now - began
        _ = await bringUp.value
        await harness.boundedFinish()

        #expect(spawning)
        #expect(took < .seconds(50), "the services ended after \(took): the kill was lost and the stop waited out the grace period")
    }
}
