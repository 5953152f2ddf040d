import Foundation
import FoundationNetworking
import SlipwayTestSupport
import Testing

/// `slipway fault` against a detached supervisor: latency and errors seen by
/// real requests through the proxy's published port, then cleared.
@Suite("slipway fault")
struct FaultCommandTests {
    static let compose = """
        services:
          web:
            command: exec python3 server.py
            working_dir: .
            environment: {VERSION: v1}
            ports: ["8000"]
            x-slipway: {proxy: http}
        """

    /// The status and body of `GET http://ADDRESS/`, nil when nothing answered.
    private static func get(_ address: String) async -> (status: Int, body: String)? {
        guard let url = URL(string: "http://\(address)/") else { return nil }
        guard let (data, response) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 30)),
              let status = (response as? HTTPURLResponse)?.statusCode
        else { return nil }
        return (status, String(decoding: data, as: UTF8.self))
    }

    @Test func latencyAndErrorsReachRequestsThroughTheProxyUntilReset() async throws {
        try await withStack(Self.compose) { stack in
            try VersionServer.source.write(toFile: stack.directory + "/" + VersionServer.fileName, atomically: true, encoding: .utf8)
            let up = try await stack.run(["up", "-d", "--wait"])
            let address = try await stack.run(["port", "web", "8000"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            var before = await Self.get(address)
            let deadline = ContinuousClock.now + .seconds(30)
            while before?.status != 200 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                before = await Self.get(address)
            }
            let slow = try await stack.run(["fault", "web", "--latency", "300ms"])
            let started = ContinuousClock.now
            let delayed = await Self.get(address)
            let delay = ContinuousClock.now - started
            let failing = try await stack.run(["fault", "web", "--error-rate", "0.5", "--format", "json"])
            let deploy = try await stack.run(["deploy", "web", "--force"])
            var statuses: [Int] = []
            var injected = ""
            for _ in 0..<4 {
                let answer = await Self.get(address)
                statuses.append(answer?.status ?? 0)
                if answer?.status == 503 { injected = answer?.body ?? "" }
            }
            let shown = try await stack.run(["fault", "web"])
            let stats = try await stack.run(["stats", "--format", "json"])
            let reset = try await stack.run(["fault", "web", "--reset"])
            let after = await Self.get(address)
            let unknown = try await stack.run(["fault", "cache", "--latency", "1s"])
            let invalid = try await stack.run(["fault", "web", "--error-rate", "2"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(before?.status == 200 && before?.body == "v1")
            #expect(slow.status == 0, "\(slow.errors)")
            #expect(slow.output.hasPrefix("web: latency 300ms on 127.0.0.1:"), "\(slow.output)")
            #expect(delayed?.status == 200)
            #expect(delay >= .milliseconds(300))
            #expect(failing.status == 0, "\(failing.errors)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(failing.output.utf8)) as? [String: Any])
            #expect(report["latencyMilliseconds"] as? Int == 300, "an option changes only its part")
            #expect(report["errorRate"] as? Double == 0.5)
            #expect(deploy.status == 0, "\(deploy.errors)")
            #expect(statuses == [200, 503, 200, 503], "the fault outlasts the deploy")
            #expect(injected.contains("service \"web\"") && injected.contains("fault injected"), "\(injected)")
            #expect(shown.output.contains("web: latency 300ms, error rate 0.5 on"), "\(shown.output)")
            #expect(stats.output.contains("\"injectedErrors\":2"), "\(stats.output)")
            #expect(reset.status == 0 && reset.output.hasPrefix("web: no fault on"), "\(reset.output)")
            #expect(after?.status == 200 && after?.body == "v1")
            #expect(unknown.status == 1 && unknown.errors.contains("no such service: cache"), "\(unknown.errors)")
            #expect(invalid.status == 2 && invalid.errors.contains("--error-rate takes a share from 0 to 1"), "\(invalid.errors)")
        }
    }
}
