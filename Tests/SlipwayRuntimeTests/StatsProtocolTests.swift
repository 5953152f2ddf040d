import Foundation
import NIOPosix
import SlipwayProxy
import SlipwayTestSupport
import Testing
@testable import SlipwayRuntime

/// The `stats` request and reply as JSON lines.
@Suite("stats: protocol lines")
struct StatsProtocolTests {
    private static func latency(count: Int, p50: Int64, p90: Int64, p99: Int64) -> LatencySummary {
        var summary = LatencySummary(.init())
        summary.count = count
        summary.maxMicroseconds = p99
        summary.p50Microseconds = p50
        summary.p90Microseconds = p90
        summary.p99Microseconds = p99
        return summary
    }

    private static let snapshot = StatsSnapshot(
        project: "demo", takenAt: Date(timeIntervalSince1970: 1_764_178_000),
        ports: [
            PortStats(
                service: "db", publisher: PortPublisher(url: "127.0.0.1", targetPort: 5432, publishedPort: 5433), mode: .tcp,
                upstream: "db-1",
                instances: [InstanceTrafficStats(
                    instance: "db-1", connections: 7, errors: ["connectFailed": 2, "clientClosed": 1, "drainClosed": 0],
                    bytesIn: 999, bytesOut: 1_234_567, latency: latency(count: 5, p50: 100, p90: 250, p99: 250))]),
            PortStats(
                service: "web", publisher: PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: 8003), mode: .http,
                upstream: "web-10", noInstance: 3, fellBack: 4,
                refusedRequests: PortStats.noRefusals.merging(["invalidHost": 2, "unsupportedTransferCoding": 1]) { $1 },
                instances: [
                    InstanceTrafficStats(
                        instance: "web-9", requests: 1200, bytesIn: 0, bytesOut: 45_600_000,
                        latency: latency(count: 1200, p50: 1_000, p90: 2_500, p99: 1_500_000)),
                    InstanceTrafficStats(instance: "web-10", requests: 0),
                ]),
            PortStats(
                service: "api", publisher: PortPublisher(url: "0.0.0.0", targetPort: 9000, publishedPort: 9001), mode: .http),
        ])

    @Test("the request is the documented JSON line and reads back")
    func requestLine() throws {
        let line = try ControlCoding.line(ControlRequest.stats(services: ["web"]))
        #expect(String(decoding: line, as: UTF8.self) == "{\"request\":\"stats\",\"services\":[\"web\"],\"version\":1}\n")
        #expect(try ControlCoding.decode(ControlRequest.self, from: line.dropLast()) == .stats(services: ["web"]))
        let everything = try ControlCoding.decode(ControlRequest.self, from: Array(#"{"version":1,"request":"stats"}"#.utf8))
        #expect(everything == .stats(services: []))
    }

    @Test("a stats reply round-trips every field")
    func replyRoundTrip() throws {
        let reply = ControlReply.stats(Self.snapshot)
        let line = try ControlCoding.line(reply)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("{\"ok\":true,\"stats\":{"))
        #expect(text.contains("\"takenAt\":\"2025-11-26T17:26:40.000000000Z\""))
        #expect(try ControlCoding.decode(ControlReply.self, from: line.dropLast()) == reply)
        #expect(try Self.snapshot.json() + "\n" == String(decoding: try ControlCoding.line(Self.snapshot), as: UTF8.self))
    }

    /// A real proxy whose routed instance refuses: the fallback answers, and
    /// the port's figures count it.
    @Test("a port's figures count what its fallback carried for the routed instance")
    func fellBackReachesThePortFigures() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let proxy = ReverseProxy(eventLoopGroup: group, loopThreads: 1)
        let refusing = try CannedHTTPServer(status: nil, listenImmediately: false)
        let warm = try CannedHTTPServer(status: 200, body: "warm")
        defer { refusing.stop(); warm.stop() }
        let key = ListenerKey(service: "web", containerPort: 8000)
        let listener = try await proxy.addListener(ListenerConfig(key: key, port: 0, mode: .http))
        try await proxy.setUpstream(
            Upstream(instance: "web-2", port: refusing.port), fallback: Upstream(instance: "web-1", port: warm.port), for: key)
        let answer = await LoopbackHTTP.get(port: listener.boundPort)
        let figures = await proxy.stats().listeners.first
        await proxy.shutdown()
        try await group.shutdownGracefully()

        #expect(answer?.hasSuffix("warm") == true, "\(answer ?? "no answer")")
        let publisher = PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: listener.boundPort)
        #expect(figures.map { PortStats($0, service: "web", publisher: publisher).fellBack } == 1)
    }
}
