import ComposeKit
import Foundation
import Testing
@testable import SlipwayRuntime

@Suite("Supervisor: listen detection")
struct SupervisorListenTests {
    @Test func aServiceListeningOnAPortOtherThanItsPORTIsWarnedAboutNamingThatPort() async throws {
        let web = Service.shell("web", """
            exec python3 -c "import os, socket, time
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
            open('port.tmp', 'w').write(str(s.getsockname()[1])); os.rename('port.tmp', 'port')
            time.sleep(1000)"
            """) {
            $0.expose = [8000]
            $0.slipway.healthPath = "/"
        }
        let harness = try SupervisorHarness([web])
        let failure = await harness.boundedUp()
        let warned = await HealthTesting.eventually { harness.warnings(of: "web").contains { $0.hasPrefix("listens on port ") } }
        let taken = try? String(contentsOfFile: harness.directory.path + "/port", encoding: .utf8)
        let warnings = harness.warnings(of: "web")
        await harness.boundedFinish()

        #expect(failure == nil)
        #expect(warned)
        let port = try #require(taken.flatMap { Int($0) })
        let foreign = warnings.filter { $0.hasPrefix("listens on port ") }
        #expect(foreign.count == 1)
        #expect(foreign.first?.hasPrefix("listens on port \(port), which Slipway did not give it") == true, "\(foreign)")
    }

    @Test func aServiceListeningLateOnItsPORTTurnsHealthyWithoutAWarning() async throws {
        let web = Service.shell("web", "sleep 0.3; exec python3 -m http.server $PORT --bind 127.0.0.1") {
            $0.expose = [8000]
            $0.slipway.healthPath = "/"
        }
        let harness = try SupervisorHarness([web])
        let failure = await harness.boundedUp()
        let healthy = await HealthTesting.eventually { harness.kinds(of: "web").contains(.healthy) }
        let warnings = harness.warnings(of: "web")
        await harness.boundedFinish()

        #expect(failure == nil)
        #expect(healthy)
        // Harness projects share one name, so a parallel test may hold this one's service address (a note of its own).
        #expect(warnings.filter { $0.hasPrefix("listens on port ") }.isEmpty, "\(warnings)")
    }
}

extension SupervisorHarness {
    func warnings(of service: String) -> [String] {
        kinds(of: service).compactMap { kind in
            guard case let .warning(message) = kind else { return nil }
            return message
        }
    }
}
