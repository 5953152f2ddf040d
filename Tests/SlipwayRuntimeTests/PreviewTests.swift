import ComposeKit
import Foundation
import SlipwayStore
import SlipwayTestSupport
import Testing
@testable import SlipwayRuntime

/// `deploy --preview`, then `promote` or `abort` (Argo Rollouts' preview):
/// green answers on a port of its own while blue keeps the traffic.
@Suite("Preview: deploy --preview, promote, abort")
struct PreviewTests {
    static func compose(_ version: String) -> String { RollbackTests.compose(version, monitor: "0s") }

    @Test func aPreviewedVersionAnswersOnItsOwnPortUntilPromoted() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        _ = await eventuallyAsync { await harness.get(port) == "v1" }
        try harness.rewrite(Self.compose("v2"))
        let load = KeepAliveLoad(port: port, clients: 2)
        let (previewed, steps) = try await harness.deploy(["web"], preview: true)
        let address = try #require(previewed.entries.first?.previewAddress)
        let previewPort = try #require(Int(address.split(separator: ":").last ?? ""))
        let onPreview = await harness.get(previewPort)
        let onPublished = await harness.get(port)
        let waiting = harness.deployments("web").map(\.status)
        let promoted = try await harness.supervisor.promote(service: "web") { _ in }
        let afterPromote = await harness.get(port)
        let previewClosed = await harness.get(previewPort) == nil
        let figures = await load.stop()
        let settled = await eventually { harness.deployments("web").map(\.status) == [.active, .superseded] }
        let again = try await harness.supervisor.promote(service: "web") { _ in }
        await harness.finish()

        #expect(failure == nil)
        #expect(previewed.entries.map(\.outcome) == [.previewing])
        #expect(steps.map(\.step).suffix(2) == [.healthy, .previewing], "\(steps.map(\.step))")
        #expect(onPreview == "v2")
        #expect(onPublished == "v1")
        #expect(waiting == [.switching, .active], "\(waiting)")
        #expect(promoted.entries.map(\.outcome) == [.deployed])
        #expect(afterPromote == "v2")
        #expect(previewClosed)
        #expect(settled)
        #expect(figures.failed == 0, "\(figures.failed) of \(figures.succeeded + figures.failed) requests failed")
        #expect(again.entries.first?.reason == "web has no deploy waiting in preview")
    }

    @Test func anAbortedPreviewStopsTheNewInstanceAndLeavesTheOldServing() async throws {
        let harness = try DeployHarness(Self.compose("v1"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        try harness.rewrite(Self.compose("v2"))
        let (previewed, _) = try await harness.deploy(["web"], preview: true)
        let green = await harness.instances("web").first { $0.name == "deploytest-web-2" }?.pid
        let aborted = try await harness.supervisor.abort(service: "web") { _ in }
        let body = await harness.get(port)
        let names = await harness.instances("web").map(\.name)
        let history = harness.deployments("web")
        await harness.finish()

        #expect(failure == nil)
        #expect(previewed.entries.map(\.outcome) == [.previewing])
        #expect(aborted.entries.map(\.outcome) == [.aborted])
        #expect(body == "v1")
        #expect(names == ["deploytest-web-1"])
        #expect(green.map { !processExists($0) } == true)
        #expect(history.map(\.status) == [.failed, .active], "\(history.map(\.status))")
        #expect(history.first?.reason == "aborted by `slipway abort`")
    }
}
