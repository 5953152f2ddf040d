import Foundation
import NIOCore
import NIOPosix
@testable import SlipwayProxy
import Testing

@Suite("Stats and the access log", .timeLimit(.minutes(3)))
struct ObservabilityTests {
    @Test("the latency histogram counts into buckets and reports quantile bounds")
    func histogram() {
        var histogram = LatencyHistogram()
        for _ in 0..<98 { histogram.record(microseconds: 80) }
        histogram.record(microseconds: 3_000)
        histogram.record(microseconds: 99_000_000)
        #expect(histogram.count == 100)
        #expect(histogram.upperBoundMicroseconds(atQuantile: 0.5) == 100)
        #expect(histogram.upperBoundMicroseconds(atQuantile: 0.99) == 5_000)
        #expect(histogram.upperBoundMicroseconds(atQuantile: 1.0) == nil)
        #expect(histogram.maxMicroseconds == 99_000_000)
    }

    @Test("access-log entries are single JSON lines with escaped strings")
    func entryEncoding() throws {
        let entry = AccessLogEntry(
            unixTimeMilliseconds: 1_700_000_000_042, service: "web", instance: "web-2", client: "127.0.0.1",
            method: "GET", target: "/q?a=\"b\"\n", status: 200, bytesIn: 0, bytesOut: 12,
            durationMicroseconds: 345, error: nil
        )
        let line = entry.jsonLine
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["target"] as? String == "/q?a=\"b\"\n")
        #expect(object["status"] as? Int == 200)
        #expect(object["instance"] as? String == "web-2")
        #expect(object["ts"] as? Double == 1_700_000_000.042)
    }

    @Test("HTTP exchanges are written to the access log file as JSON lines")
    func accessLogFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("access.jsonl").path
        let sink = try AccessLogSink(path: path)

        try await ProxyFixture.with(accessLog: sink) { fixture in
            let backend = try await HTTPTestBackend.start(name: "blue", group: fixture.group)
            let listener = try await fixture.listen(.http, service: "shop", upstream: backend.upstream("blue"))
            let client = try await HTTPTestClient.connect(port: listener.boundPort, group: fixture.group)
            _ = try await client.request(.GET, "/name")
            _ = try await client.request(.POST, "/upload", bodySize: 10)
            await client.close()
            try await backend.stop()
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["target"] as? String } == ["/name", "/upload"])
        #expect(objects.map { $0["status"] as? Int } == [200, 200])
        #expect(objects.allSatisfy { $0["service"] as? String == "shop" && $0["instance"] as? String == "blue" })
        #expect(objects[1]["bytes_in"] as? Int == 10)
    }
}
