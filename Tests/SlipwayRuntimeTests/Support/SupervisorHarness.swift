import ComposeKit
import Foundation
import Synchronization
import Testing
@testable import SlipwayRuntime

/// A supervisor on a project built in code, with its events recorded, its
/// own state directory, and `finish()` that stops everything it started.
/// `SupervisorHarness.with` owns one for a test and finishes it however the
/// test ends.
final class SupervisorHarness: Sendable {
    let supervisor: Supervisor
    let directory: TemporaryDirectory
    private let recorded = EventRecorder()
    private let collector: Task<Void, Never>
    private let finished = Mutex(false)

    /// Runs `body` on a fresh harness and finishes it afterwards, also when
    /// `body` throws (a failed `try` or `#require`); a `finish()` inside
    /// `body` makes the last one a no-op.
    static func with<Result>(
        _ services: [Service], requested: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        shim: ((TemporaryDirectory) throws -> String)? = nil,
        _ body: (SupervisorHarness) async throws -> Result
    ) async throws -> Result {
        let harness = try SupervisorHarness(services, requested: requested, environment: environment, shim: shim)
        do {
            let result = try await body(harness)
            await harness.boundedFinish()
            return result
        } catch {
            await harness.boundedFinish()
            throw error
        }
    }

    /// `environment` is the supervisor's own, which its services inherit; `shim` replaces the
    /// `slipway` binary the supervisor spawns as each instance's shim.
    init(
        _ services: [Service], requested: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
        shim: ((TemporaryDirectory) throws -> String)? = nil
    ) throws {
        directory = try TemporaryDirectory()
        var project = Project(name: "test", directory: directory.path)
        for var service in services {
            service.workingDir = service.workingDir ?? directory.path
            project.services[service.name] = service
        }
        supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: project, services: requested, stateDirectory: StateDirectory(path: directory.path + "/state"),
            shimExecutable: try shim?(directory) ?? BuiltBinary.shim, terminal: nil, environment: environment))
        let events = supervisor.events
        let recorded = self.recorded
        collector = Task { for await event in events { recorded.append(event) } }
    }

    var events: [ServiceEvent] { recorded.all }

    /// Brings the stack up; returns the failure instead of throwing, so a
    /// test always reaches `finish()` and stops what did start.
    func up() async -> UpError? {
        do {
            try await supervisor.up()
            return nil
        } catch {
            return error
        }
    }

    func kinds(of service: String) -> [ServiceEvent.Kind] {
        events.filter { $0.service == service }.map(\.kind)
    }

    /// Index of the first event matching, for ordering assertions.
    func firstIndex(_ service: String, _ matches: (ServiceEvent.Kind) -> Bool) -> Int? {
        events.firstIndex { $0.service == service && matches($0.kind) }
    }

    func finish() async {
        guard !finished.withLock({ done in defer { done = true }; return done }) else { return }
        await supervisor.stop()
        await collector.value
        directory.remove()
    }
}

/// The harness's waits, each failing its test instead of hanging the run
/// when the supervisor never returns.
extension SupervisorHarness {
    func boundedUp() async -> UpError? {
        guard let outcome = await within(.seconds(90), { await self.up() }) else {
            Issue.record("the bring-up did not return within 90 s")
            return nil
        }
        return outcome
    }

    func boundedFinish() async {
        if await within(.seconds(90), { await self.finish() }) == nil {
            Issue.record("the supervisor did not stop within 90 s")
        }
    }

    func boundedStop() async {
        if await within(.seconds(90), { await self.supervisor.stop() }) == nil {
            Issue.record("the supervisor did not stop within 90 s")
        }
    }

    func boundedWaitUntilAllEnded() async {
        if await within(.seconds(90), { await self.supervisor.waitUntilAllEnded() }) == nil {
            Issue.record("the services did not all end within 90 s")
        }
    }
}

extension Service {
    static func shell(_ name: String, _ script: String, configure: (inout Service) -> Void = { _ in }) -> Service {
        var service = Service(name: name)
        service.command = .shell(script)
        service.stopGracePeriod = .seconds(2)
        configure(&service)
        return service
    }
}

extension ServiceEvent.Kind {
    var isHealthy: Bool { self == .healthy }
    var isStarted: Bool { self == .started }
    var isStopped: Bool { self == .stopped }
}

final class EventRecorder: Sendable {
    private let events = Mutex<[ServiceEvent]>([])

    func append(_ event: ServiceEvent) {
        events.withLock { $0.append(event) }
    }

    var all: [ServiceEvent] { events.withLock { $0 } }
}
