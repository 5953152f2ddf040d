import Foundation

/// The supervisor's answers to the control socket (`ps`, `stop`, `start`,
/// `restart`, `kill`, `pause`, `unpause`, `down`, `stats`, and the `watch` stream of `up --wait`).
extension Supervisor: ControlRequestHandler {
    public func status(services: [String]) async throws -> StatusSnapshot {
        _ = try named(services)
        return await snapshot(services: services)
    }

    public func stop(services: [String], timeout: Duration?) async throws -> ActionReport {
        let names = try named(services)
        await stop(Set(names), timeout: timeout)
        return await report(names) { $0.state == .stopped || $0.state == .exited ? .stopped : nil }
    }

    public func start(services: [String]) async throws -> ActionReport {
        let names = try named(services)
        guard !stopping else { throw ControlFailure(kind: .failed, message: "project \(project) is stopping") }
        var launched: Set<String> = []
        for name in dependencyOrder(names) where await runners[name]?.startAgain() == true {
            launched.insert(name)
        }
        return await report(names) { launched.contains($0.service) || $0.state.isLive ? .started : nil }
    }

    /// Each service in dependency order; one with ports is replaced start-first
    /// (the new instance takes traffic once ready), as a deploy does.
    public func restart(services: [String], timeout: Duration?) async throws -> ActionReport {
        let names = try named(services)
        guard !stopping else { throw ControlFailure(kind: .failed, message: "project \(project) is stopping") }
        var failures: [String: String] = [:]
        for name in dependencyOrder(names) {
            if let failure = await runners[name]?.restart(timeout: timeout) { failures[name] = failure }
        }
        let snapshot = await snapshot(services: names)
        return ActionReport(entries: snapshot.instances.map { instance in
            if let failure = failures[instance.service] {
                return ActionReport.Entry(name: instance.name, service: instance.service, outcome: .failed, detail: failure)
            }
            return ActionReport.Entry(
                name: instance.name, service: instance.service, outcome: instance.state.isLive ? .restarted : .failed,
                detail: instance.state.isLive ? "" : Self.describe(instance))
        })
    }

    public func kill(services: [String], signal: Int32) async throws -> ActionReport {
        let names = try named(services)
        var signalled: Set<String> = []
        for name in names {
            if await runners[name]?.signal(signal) == true { signalled.insert(name) }
        }
        return await report(names) { signalled.contains($0.service) ? .killed : nil }
    }

    public func pause(services: [String]) async throws -> ActionReport {
        let names = try named(services)
        var paused: Set<String> = []
        for name in names where await runners[name]?.pause() == true { paused.insert(name) }
        return await report(names) { paused.contains($0.service) ? .paused : nil }
    }

    /// Without names, every paused service; a named one that is not paused fails.
    public func unpause(services: [String]) async throws -> ActionReport {
        let names = try named(services)
        var resumed: Set<String> = []
        for name in names where await runners[name]?.resume() == true { resumed.insert(name) }
        let reported = services.isEmpty ? names.filter(resumed.contains) : names
        let outcome = await report(reported) { resumed.contains($0.service) ? .unpaused : nil }
        return ActionReport(entries: outcome.entries.map { entry in
            var entry = entry
            if entry.outcome == .failed { entry.detail = "is not paused" }
            return entry
        })
    }

    public func addresses(services: [String]) async throws -> [String: ServiceAddress] {
        let names = Set(try named(services))
        return addresses.filter { names.contains($0.key) && !$0.value.ports.isEmpty }
    }

    /// Stops everything, removes the logs, process records and image
    /// adapters' run directories (the data directories and named volumes
    /// stay, as docker's volumes do), and tells the owner to exit.
    public func down(timeout: Duration?) async throws -> ActionReport {
        stopping = true
        let names = runners.keys.sorted()
        await stop(Set(names), timeout: timeout)
        let report = await report(names) { $0.state.isLive ? nil : .removed }
        for directory in [stateDirectory.logsDirectory, stateDirectory.processesDirectory, stateDirectory.imagesDirectory] {
            try? FileManager.default.removeItem(atPath: directory)
        }
        endRequested.fire()
        return report
    }

    /// The proxy's counters for the published ports of the named services.
    public func stats(services: [String]) async throws -> StatsSnapshot {
        let names = Set(try named(services))
        let figures = await proxy.stats()
        return StatsSnapshot(project: project, proxy: figures, published: publishedListeners.filter { names.contains($0.service) })
    }

    public func watch(services: [String]) async throws -> AsyncStream<ControlEvent> {
        _ = try named(services)
        return watchers.subscribe(services: services)
    }

    // MARK: - Helpers

    func snapshot(services: [String]) async -> StatusSnapshot {
        var instances: [InstanceStatus] = []
        for name in runners.keys.sorted() where services.isEmpty || services.contains(name) {
            guard let runner = runners[name] else { continue }
            instances += await runner.status(project: project, publishers: publishers[name] ?? [])
        }
        return StatusSnapshot(project: project, instances: instances)
    }

    /// The services a request names (all when none), or `noSuchService`.
    private func named(_ services: [String]) throws(ControlFailure) -> [String] {
        for name in services where runners[name] == nil { throw .noSuchService(name) }
        return services.isEmpty ? runners.keys.sorted() : services
    }

    /// Dependencies before their dependents, so a `start` of several services
    /// brings them up in the order `up` would.
    func dependencyOrder(_ names: [String]) -> [String] {
        var ordered: [String] = []
        func visit(_ name: String) {
            guard !ordered.contains(name), let service = self.services[name] else { return }
            for dependency in service.dependsOn.keys.sorted() where names.contains(dependency) { visit(dependency) }
            ordered.append(name)
        }
        names.sorted().forEach(visit)
        return ordered
    }

    /// One entry per service: the outcome `succeeded` gives, or a failure
    /// saying where the instance is instead.
    private func report(_ names: [String], succeeded: (InstanceStatus) -> ActionOutcome?) async -> ActionReport {
        let snapshot = await snapshot(services: names)
        return ActionReport(entries: snapshot.instances.map { instance in
            if let outcome = succeeded(instance) {
                return ActionReport.Entry(name: instance.name, service: instance.service, outcome: outcome)
            }
            return ActionReport.Entry(
                name: instance.name, service: instance.service, outcome: .failed, detail: Self.describe(instance))
        })
    }

    static func describe(_ instance: InstanceStatus) -> String {
        switch instance.state {
        case .created: "is waiting for its dependencies"
        case .starting, .running: "is still running"
        case .restarting: "is restarting"
        case .paused: "is paused"
        case .exited: "is not running (exited with code \(instance.exitCode))"
        case .stopped: "is not running"
        }
    }
}
