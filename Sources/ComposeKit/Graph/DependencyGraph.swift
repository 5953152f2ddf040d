/// The `depends_on` graph of a project's enabled services: which services can
/// start together, and the order to stop them in.
public struct DependencyGraph: Sendable {
    /// For each service, the enabled services it depends on.
    public let dependencies: [String: Set<String>]

    public init(project: Project) {
        var dependencies: [String: Set<String>] = [:]
        for (name, service) in project.services {
            dependencies[name] = Set(service.dependsOn.keys.filter { project.services[$0] != nil })
        }
        self.dependencies = dependencies
    }

    /// Services grouped into waves: every service's dependencies are in earlier
    /// waves, so the services of one wave may start at the same time. Names are
    /// sorted within a wave. Services caught in a cycle (which a loaded project
    /// never has) come last, in one wave, rather than being dropped.
    public func startWaves() -> [[String]] {
        var started = Set<String>()
        var waves: [[String]] = []
        var remaining = Set(dependencies.keys)
        while !remaining.isEmpty {
            let wave = remaining.filter { dependencies[$0, default: []].isSubset(of: started) }.sorted()
            guard !wave.isEmpty else {
                waves.append(remaining.sorted())
                break
            }
            waves.append(wave)
            started.formUnion(wave)
            remaining.subtract(wave)
        }
        return waves
    }

    /// The start waves reversed: dependents stop before what they depend on.
    public func stopOrder() -> [[String]] {
        startWaves().reversed()
    }

    /// `names` and every service they depend on, directly or not: what `up web`
    /// or `config web` works on.
    public func closure(of names: [String]) -> Set<String> {
        var found = Set(names)
        var frontier = names
        while let current = frontier.popLast() {
            for dependency in dependencies[current, default: []] where found.insert(dependency).inserted {
                frontier.append(dependency)
            }
        }
        return found
    }

    /// Services that depend on `name`, directly or not.
    public func dependents(of name: String) -> Set<String> {
        var found = Set<String>()
        var frontier = [name]
        while let current = frontier.popLast() {
            for (service, needs) in dependencies where needs.contains(current) && found.insert(service).inserted {
                frontier.append(service)
            }
        }
        return found
    }
}
