import ComposeKit
import Foundation
import SlipwayStore

/// `slipway deploy` and `up -d` on a running project: the files are read
/// again, and each service whose definition changed is replaced as its
/// deploy plan says; new services start, services gone from the files are
/// reported (and stopped with `--remove-orphans`).
extension Supervisor {
    public func deploy(
        _ request: DeployRequest, progress: @escaping @Sendable (DeployProgress) -> Void
    ) async throws -> DeployReport {
        guard !stopping else { throw ControlFailure(kind: .failed, message: "project \(project) is stopping") }
        let loaded = try load(request)
        let names = request.services.isEmpty ? loaded.services.keys.sorted() : request.services
        if request.preview, names.count != 1 || runners[names[0]] == nil {
            throw ControlFailure(kind: .invalidRequest, message: "--preview takes exactly one running service")
        }
        for name in names where loaded.services[name] == nil { throw ControlFailure.noSuchService(name) }
        var entries: [DeployReport.Entry] = []
        var changed: [Service] = []
        for name in names {
            if request.redeploysRunning, services[name] == nil { throw ControlFailure.noSuchService(name) }
            var next = request.redeploysRunning ? services[name]! : loaded.services[name]!
            for (key, value) in request.environment { next.environment[key] = value }
            if let command = request.command {
                next.command = command
                next.slipway.command = nil
            }
            // The runner's own definition: an automatic rollback changes it without a request.
            if let runner = runners[name], await runner.service == next, !request.force {
                progress(DeployProgress(service: name, step: .upToDate, elapsedMilliseconds: 0))
                entries.append(DeployReport.Entry(service: name, outcome: .upToDate))
            } else {
                changed.append(next)
            }
        }
        if request.source == .up { entries += await orphans(of: loaded, remove: request.removeOrphans, progress: progress) }
        let ordered = dependencyOrder(changed.map(\.name), among: changed)
        if request.noWait {
            Task {
                _ = await self.deploy(
                    ordered, source: request.source, preview: request.preview, forcedHealthFailure: request.forcedHealthFailure,
                    progress: { _ in })
            }
            return DeployReport(entries: entries + ordered.map { DeployReport.Entry(service: $0.name, outcome: .begun) })
        }
        return DeployReport(
            entries: entries + (await deploy(
                ordered, source: request.source, preview: request.preview, forcedHealthFailure: request.forcedHealthFailure,
                progress: progress)))
    }

    /// `slipway promote SERVICE`: the deploy waiting in preview switches.
    public func promote(service: String, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport {
        guard let runner = runners[service] else { throw ControlFailure.noSuchService(service) }
        let entry = await runner.promote(progress: progress)
        if entry.outcome == .deployed { services[service] = await runner.service }
        return DeployReport(entries: [entry])
    }

    /// `slipway abort SERVICE`: the deploy waiting in preview is discarded.
    public func abort(service: String, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport {
        guard let runner = runners[service] else { throw ControlFailure.noSuchService(service) }
        return DeployReport(entries: [await runner.abort(progress: progress)])
    }

    private func deploy(
        _ services: [Service], source: DeploymentSource, preview: Bool, forcedHealthFailure: String?,
        progress: @escaping @Sendable (DeployProgress) -> Void
    ) async -> [DeployReport.Entry] {
        var entries: [DeployReport.Entry] = []
        for service in services {
            guard !stopping else { break }
            if let runner = runners[service.name] {
                let entry = await runner.deploy(
                    service, source: source, preview: preview, forcedHealthFailure: forcedHealthFailure, progress: progress)
                if entry.outcome == .deployed { self.services[service.name] = service }
                entries.append(entry)
            } else {
                entries.append(await create(service, progress: progress))
            }
        }
        return entries
    }

    /// The project as the request's files say, or the compose error as the client's answer.
    private func load(_ request: DeployRequest) throws(ControlFailure) -> Project {
        let project: Project
        do {
            project = try ProjectLoader(options: request.project.loadOptions(services: request.services)).load().project
        } catch {
            throw ControlFailure(kind: .invalidCompose, message: error.description)
        }
        guard project.name == self.project else {
            throw ControlFailure(
                kind: .invalidRequest, message: "the files describe project \(project.name), but this supervisor runs \(self.project)")
        }
        return project
    }

    /// A service the files added: its listeners are opened, then it starts as `up` would start it.
    private func create(_ service: Service, progress: @escaping @Sendable (DeployProgress) -> Void) async -> DeployReport.Entry {
        guard var context else { return DeployReport.Entry(service: service.name, outcome: .failed, reason: "the project is not up") }
        do {
            let added = try await ServiceEndpoints.open(for: [service], proxy: proxy)
            context.endpoints.add(added)
            publishers[service.name] = added.published[service.name] ?? []
            publishedListeners += added.publishedListeners
        } catch {
            return DeployReport.Entry(service: service.name, outcome: .failed, reason: error.description)
        }
        self.context = context
        createRunner(service, context: context)
        guard let runner = runners[service.name] else { return DeployReport.Entry(service: service.name, outcome: .failed) }
        progress(DeployProgress(service: service.name, step: .created, elapsedMilliseconds: 0))
        if let failure = await Self.bringUp(runner, service: service, runners: runners) {
            return DeployReport.Entry(service: service.name, outcome: .failed, reason: failure.description)
        }
        return DeployReport.Entry(service: service.name, outcome: .created)
    }

    /// Services that run but are gone from the files.
    private func orphans(
        of project: Project, remove: Bool, progress: @escaping @Sendable (DeployProgress) -> Void
    ) async -> [DeployReport.Entry] {
        var entries: [DeployReport.Entry] = []
        for name in runners.keys.sorted() where project.services[name] == nil {
            guard remove else {
                progress(DeployProgress(service: name, step: .orphaned, elapsedMilliseconds: 0))
                entries.append(DeployReport.Entry(service: name, outcome: .orphaned))
                continue
            }
            await stop([name], timeout: nil)
            for keys in context?.endpoints.listeners[name]?.values.map({ $0 }) ?? [] {
                for key in keys { await proxy.removeListener(key) }
            }
            runners[name] = nil
            services[name] = nil
            publishers[name] = nil
            publishedListeners.removeAll { $0.service == name }
            progress(DeployProgress(service: name, step: .removed, elapsedMilliseconds: 0))
            entries.append(DeployReport.Entry(service: name, outcome: .removed))
        }
        return entries
    }

    /// Dependencies first, among the services a deploy changes.
    private func dependencyOrder(_ names: [String], among services: [Service]) -> [Service] {
        let byName = Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
        var ordered: [Service] = []
        func visit(_ name: String) {
            guard let service = byName[name], !ordered.contains(where: { $0.name == name }) else { return }
            for dependency in service.dependsOn.keys.sorted() { visit(dependency) }
            ordered.append(service)
        }
        names.sorted().forEach(visit)
        return ordered
    }
}
