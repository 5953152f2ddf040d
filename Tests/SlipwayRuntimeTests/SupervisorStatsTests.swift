import ComposeKit
import SlipwayTestSupport
import Foundation
import Testing
@testable import SlipwayRuntime

/// `stats` from a real supervisor over its real control socket: requests and
/// connections made through the proxy's published ports are counted for the
/// instance behind each port.
@Suite("Supervisor: stats of the published ports")
struct SupervisorStatsTests {
    private static let server = "exec python3 -m http.server --bind 127.0.0.1 $PORT"
    /// Checks the instance's own port, never the proxy, so probes add no traffic to the figures.
    private static let portOpen = Healthcheck(
        test: .shell("python3 -c \"import socket,os; socket.create_connection(('127.0.0.1', int(os.environ['PORT'])))\""),
        interval: .seconds(30))

    @Test func eachRequestAndConnectionIsCountedOnItsPortForItsInstance() async throws {
        let web = Service.shell("web", Self.server) {
            $0.ports = [PortMapping(target: 8000, appProtocol: "http"), PortMapping(target: 8000, appProtocol: "http")]
            $0.healthcheck = Self.portOpen
        }
        let db = Service.shell("db", Self.server) {
            $0.ports = [PortMapping(target: 5432)]
            $0.healthcheck = Self.portOpen
        }
        try await SupervisorHarness.with([web, db]) { harness async throws in
            let failure = await harness.boundedUp()
            let client = ControlClient(endpoint: ControlEndpoint(project: "test", stateDirectory: StateDirectory(path: harness.directory.path + "/state")))
            let ready = await healthy(["web", "db"], client)
            let ports = try await client.status().instances.reduce(into: [String: [Int]]()) {
                $0[$1.service] = $1.publishers.map(\.publishedPort)
            }
            let webPorts = try #require(ports["web"])
            let dbPort = try #require(ports["db"]?.first)
            var answers: [String?] = []
            for _ in 0..<5 { answers.append(await LoopbackHTTP.get(port: webPorts[0])) }
            for _ in 0..<2 { answers.append(await LoopbackHTTP.get(port: webPorts[1])) }
            for _ in 0..<3 { answers.append(await LoopbackHTTP.get(port: dbPort)) }
            let stats = await settled(client) { stats in
                let instances = stats.ports.flatMap(\.instances)
                return instances.map(\.latency.count).reduce(0, +) >= 5 + 2 + 3 && instances.allSatisfy { $0.active == 0 }
            }
            let onlyDb = try await client.stats(services: ["db"])
            let unknown = await #expect(throws: ControlClientError.refused(.noSuchService("cache"))) {
                _ = try await client.stats(services: ["cache"])
            }
            await harness.boundedFinish()

            #expect(failure == nil)
            #expect(ready)
            #expect(answers.allSatisfy { $0?.hasPrefix("HTTP/1.") == true && $0?.contains(" 200 ") == true }, "\(answers)")
            let snapshot = try #require(stats)
            #expect(snapshot.project == "test")
            #expect(snapshot.ports.map(\.service) == ["db", "web", "web"])
            #expect(snapshot.ports.map(\.publisher.publishedPort) == [dbPort] + webPorts)
            #expect(snapshot.ports.map(\.mode) == [.tcp, .http, .http])
            #expect(snapshot.ports.map(\.upstream) == ["db-1", "web-1", "web-1"])
            #expect(snapshot.ports.map { $0.instances.map(\.instance) } == [["db-1"], ["web-1"], ["web-1"]])
            let dbFigures = try #require(snapshot.ports[0].instances.first)
            let firstWeb = try #require(snapshot.ports[1].instances.first)
            let secondWeb = try #require(snapshot.ports[2].instances.first)
            #expect(dbFigures.connections == 3 && dbFigures.requests == 0)
            #expect(dbFigures.bytesIn > 0 && dbFigures.bytesOut > 0, "TCP mode counts every byte, heads included")
            #expect(firstWeb.requests == 5 && firstWeb.connections == 0)
            #expect(secondWeb.requests == 2)
            #expect(firstWeb.bytesOut > 0)
            for figures in [dbFigures, firstWeb, secondWeb] {
                #expect(figures.errors.values.allSatisfy { $0 == 0 } && figures.active == 0, "\(figures)")
                #expect(figures.latency.count == figures.requests + figures.connections)
                #expect(figures.latency.buckets.map(\.count).reduce(0, +) == figures.latency.count)
                let quantiles = [figures.latency.p50Microseconds, figures.latency.p90Microseconds, figures.latency.p99Microseconds]
                #expect(quantiles.allSatisfy { $0 != nil && $0! <= figures.latency.maxMicroseconds }, "\(figures.latency)")
            }
            #expect(onlyDb.ports.map(\.service) == ["db"])
            #expect(unknown != nil)
        }
    }

    /// Polls `status` until every named service is running and healthy.
    private func healthy(_ services: [String], _ client: ControlClient) async -> Bool {
        let end = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < end {
            let instances = (try? await client.status(services: services).instances) ?? []
            if instances.count == services.count, instances.allSatisfy({ $0.state == .running && $0.health == .healthy }) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The first snapshot for which `done` holds: the proxy records a
    /// request's latency, and ends a connection, as it sees the end, which
    /// may come just after the client read its last byte.
    private func settled(_ client: ControlClient, until done: (StatsSnapshot) -> Bool) async -> StatsSnapshot? {
        let end = ContinuousClock.now + .seconds(30)
        var last: StatsSnapshot?
        while ContinuousClock.now < end {
            last = try? await client.stats()
            if let last, done(last) { return last }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return last
    }
}
