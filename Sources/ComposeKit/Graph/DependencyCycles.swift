/// Finds `depends_on` cycles, each reported once as the path that closes it
/// (`a → b → c → a`).
enum DependencyCycles {
    static func find(in project: Project) -> [[String]] {
        let graph = DependencyGraph(project: project).dependencies
        var finished = Set<String>()
        var reported = Set<Set<String>>()
        var cycles: [[String]] = []

        func visit(_ name: String, stack: [String]) {
            if let start = stack.firstIndex(of: name) {
                let cycle = Array(stack[start...]) + [name]
                if reported.insert(Set(cycle)).inserted { cycles.append(cycle) }
                return
            }
            guard !finished.contains(name) else { return }
            for next in graph[name, default: []].sorted() {
                visit(next, stack: stack + [name])
            }
            finished.insert(name)
        }

        for name in graph.keys.sorted() {
            visit(name, stack: [])
        }
        return cycles
    }
}
