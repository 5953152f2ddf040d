import ComposeKit
import Foundation
import Glibc
import Synchronization
import Testing
@testable import SlipwayRuntime
@testable import SlipwayShim

/// The scoped helpers own what a test starts: a body that throws still
/// leaves no process, socket or directory behind.
@Suite("Test harness: teardown when a test fails")
struct HarnessTeardownTests {
    struct Thrown: Error {}

    @Test func aThrowingBodyStillStopsTheSupervisorAndItsServices() async throws {
        let seen = SeenResources()
        await #expect(throws: Thrown.self) {
            try await SupervisorHarness.with([Service.shell("web", "exec sleep 1000")]) { harness async throws in
                #expect(await harness.boundedUp() == nil)
                let pid = try #require(try await harness.supervisor.status(services: ["web"]).instances.first?.pid)
                seen.record(pid: pid, directory: harness.directory.path)
                throw Thrown()
            }
        }
        let (pid, directory) = try #require(seen.value)
        #expect(await eventually { kill(pid, 0) != 0 || ProcessStat.read(pid: pid)?.state == "Z" }, "the service still runs")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func aThrowingBodyStillClosesTheServedProject() async throws {
        let seen = SeenResources()
        await #expect(throws: Thrown.self) {
            try await ServedProject.serving { served async throws in
                seen.record(pid: 0, directory: served.directory.path)
                throw Thrown()
            }
        }
        let (_, directory) = try #require(seen.value)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}

/// What a test body saw, kept past the body for the checks after it.
final class SeenResources: Sendable {
    private let seen = Mutex<(pid: Int32, directory: String)?>(nil)

    func record(pid: Int32, directory: String) {
        seen.withLock { $0 = (pid, directory) }
    }

    var value: (pid: Int32, directory: String)? { seen.withLock { $0 } }
}
