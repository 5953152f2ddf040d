import ComposeKit
import Foundation
import Synchronization
@testable import SlipwayRuntime

/// A supervisor on a project built in code, with its events recorded, its
/// own state directory, and `finish()` that stops everything it started.
final class SupervisorHarness: Sendable {
    let supervisor: Supervisor
    let directory: TemporaryDirectory
    private let recorded = EventRecorder()
    private let collector: Task<Void, Never>

    init(_ services: [Service], requested: [String] = []) throws {
        directory = try TemporaryDirectory()
        var project = Project(name: "test", directory: directory.path)
        for var service in services {
            service.workingDir = service.workingDir ?? directory.path
            project.services[service.name] = service
        }
        supervisor = Supervisor(configuration: SupervisorConfiguration(
            project: project, services: requested, stateDirectory: StateDirectory(path: directory.path + "/state"),
            shimExecutable: BuiltBinary.slipway, terminal: nil, environment: ProcessInfo.processInfo.environment))
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
        await supervisor.stop()
        await collector.value
        directory.remove()
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
