import Testing
@testable import ComposeKit

@Suite struct DependencyGraphTests {
    private func project(_ dependencies: [String: [String]]) -> Project {
        var project = Project(name: "p", directory: "/")
        for (name, needs) in dependencies {
            var service = Service(name: name)
            for need in needs { service.dependsOn[need] = Dependency() }
            project.services[name] = service
        }
        return project
    }

    @Test func wavesStartEachServiceAfterItsDependencies() {
        let graph = DependencyGraph(project: project([
            "db": [], "queue": [], "auth": ["db"], "api": ["db", "queue"], "web": ["auth", "api"],
        ]))
        #expect(graph.startWaves() == [["db", "queue"], ["api", "auth"], ["web"]])
        #expect(graph.stopOrder() == [["web"], ["api", "auth"], ["db", "queue"]])
    }

    @Test func dependenciesOnDisabledServicesAreNotEdges() {
        var project = project(["web": ["debugger"]])
        project.disabledServices["debugger"] = Service(name: "debugger")
        #expect(DependencyGraph(project: project).startWaves() == [["web"]])
    }

    @Test func closureHoldsTheNamedServicesAndWhatTheyNeed() {
        let graph = DependencyGraph(project: project(["db": [], "auth": ["db"], "web": ["auth"], "docs": []]))
        #expect(graph.closure(of: ["web"]) == ["web", "auth", "db"])
        #expect(graph.closure(of: ["docs", "auth"]) == ["docs", "auth", "db"])
    }

    @Test func dependentsAreFoundTransitively() {
        let graph = DependencyGraph(project: project(["db": [], "auth": ["db"], "web": ["auth"], "docs": []]))
        #expect(graph.dependents(of: "db") == ["auth", "web"])
    }

    @Test func cyclesAreReportedOnceAsAClosedPath() {
        let cycles = DependencyCycles.find(in: project(["a": ["b"], "b": ["c"], "c": ["a"], "d": ["d"]]))
        #expect(cycles == [["a", "b", "c", "a"], ["d", "d"]])
    }
}
