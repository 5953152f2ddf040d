import ComposeKit
import Foundation
import Glibc
import SlipwayStore
import Testing
@testable import SlipwayRuntime

/// The deploy request's two drill fields, and the drill's load generator,
/// against a real supervisor, real processes and real sockets.
@Suite("Drill: forced health failure, redeploy of the running definition, request load")
struct DrillDeployTests {
    @Test func aForcedHealthFailureIsRefusedBeforeTheSwitchWithoutAFailedRequest() async throws {
        let harness = try DeployHarness(DeployTests.compose("v1"))
        let failure = await harness.up()
        let port = try #require(await harness.publishedPort("web"))
        let v1Served = await eventuallyAsync { await harness.get(port) == "v1" }
        // The files move on; a redeploy of the running definition ignores them.
        try harness.rewrite(DeployTests.compose("v2"))
        let load = KeepAliveLoad(port: port, clients: 4)
        let (refused, _) = try await harness.deploy(
            ["web"], force: true, redeploysRunning: true, forcedHealthFailure: "forced by the test")
        let (redeployed, _) = try await harness.deploy(["web"], force: true, redeploysRunning: true)
        let after = await harness.get(port)
        let figures = await load.stop()
        let history = harness.deployments("web")
        await harness.finish()

        #expect(failure == nil)
        #expect(v1Served)
        #expect(refused.entries.map(\.outcome) == [.failed])
        #expect(refused.entries.first?.reason == "the new instance is unhealthy: forced by the test")
        #expect(redeployed.entries.map(\.outcome) == [.deployed])
        #expect(after == "v1", "the running definition was redeployed, not the file's v2")
        #expect(history.map(\.source) == [.deploy, .deploy, .up])
        #expect(history.dropFirst().first?.status == .failed, "\(history.map(\.status))")
        #expect(history.dropFirst().first?.switchedAt == nil)
        #expect(Set(history.map(\.snapshotHash)).count == 1, "every deployment ran v1's definition")
        #expect(figures.failed == 0, "\(figures.failed) of \(figures.succeeded + figures.failed) requests failed")
    }

    @Test func theLoadCountsRefusedConnectionsAndAnswersThatAreNot2xx() async throws {
        let closed = try Self.refusingPort()
        defer { close(closed.descriptor) }
        let refused = RequestLoad(host: "127.0.0.1", port: closed.port, rate: 50)
        let refusedSome = await eventually(within: .seconds(30)) { refused.current.sent >= 5 }
        let refusedFigures = await refused.stop()

        let server = try Self.answering(status: "503 Service Unavailable")
        defer {
            // Wakes the accept loop, which then ends.
            shutdown(server.descriptor, Int32(SHUT_RDWR))
            close(server.descriptor)
        }
        let unavailable = RequestLoad(host: "127.0.0.1", port: server.port, rate: 50)
        let answeredSome = await eventually(within: .seconds(30)) { unavailable.current.sent >= 5 }
        let unavailableFigures = await unavailable.stop()

        #expect(refusedSome)
        #expect(refusedFigures.failed == refusedFigures.sent && refusedFigures.lastSuccess == nil)
        #expect(answeredSome)
        #expect(unavailableFigures.failed == unavailableFigures.sent, "\(unavailableFigures)")
    }

    /// A port that refuses connections, held: bound, never listening. A port closed again could be
    /// handed to another test's listener meanwhile, which would then answer this load.
    private static func refusingPort() throws -> (descriptor: Int32, port: Int) {
        try bound(listening: false)
    }

    /// A keep-alive server on a port of the kernel's choice answering every request with `status`.
    private static func answering(status: String) throws -> (descriptor: Int32, port: Int) {
        let (descriptor, port) = try bound(listening: true)
        let response = Array("HTTP/1.1 \(status)\r\nContent-Length: 2\r\n\r\nno".utf8)
        Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                Thread {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while buffer.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }) > 0 {
                        _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    }
                    close(client)
                }.start()
            }
        }.start()
        return (descriptor, port)
    }

    private static func bound(listening: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && (!listening || listen(descriptor, 16) == 0)
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
