import ComposeKit
import Foundation
import Glibc
import Testing

@testable import SlipwayRuntime
@testable import SlipwayShim

@Suite("down without a supervisor: leftover cleanup")
struct ControlLeftoverCleanupTests {
    @Test("ends a dead supervisor's recorded survivors, grandchildren included, and removes runtime state only")
    func survivors() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        let endpoint = ControlEndpoint(project: "demo", stateDirectory: state)
        let leader = try ProcessSpawner.spawn(SpawnRequest(
            executable: "/bin/sh", arguments: ["sh", "-c", "sleep 1000 & wait"], environment: ["PATH=/usr/bin:/bin"],
            descriptors: [:], newSession: true))
        defer { kill(-leader, SIGKILL); waitpid(leader, nil, 0) }
        let identity = try #require(ProcessIdentity.of(pid: leader))
        #expect(await eventually { SurvivorSweep.survivors(of: identity).count >= 2 })
        let store = ProcessRecordStore(state)
        store.save(ProcessRecord(service: "db", instance: 1, shim: ProcessIdentity(pid: 1, startTime: 1), leader: identity))
        try LogRecordWriter(path: state.logFile(service: "db")).append("last words", stream: .out)
        #expect(FileManager.default.createFile(atPath: endpoint.socketPath, contents: nil))
        #expect(FileManager.default.createFile(atPath: state.deploymentLogPath, contents: Data("history".utf8)))

        let ended = try LeftoverCleanup.run(endpoint)

        #expect(ended >= 2)
        #expect(await eventually { SurvivorSweep.survivors(of: identity).isEmpty })
        #expect(store.all().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: state.logsDirectory))
        #expect(!FileManager.default.fileExists(atPath: endpoint.socketPath))
        #expect(try String(contentsOfFile: state.deploymentLogPath, encoding: .utf8) == "history", "the deployment log is history, not runtime state")
    }

    @Test("a project that never ran is nothing to clean")
    func neverRan() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let endpoint = ControlEndpoint(project: "demo", stateDirectory: StateDirectory(path: directory.path + "/none"))
        #expect(try LeftoverCleanup.run(endpoint) == 0)
        #expect(!FileManager.default.fileExists(atPath: endpoint.stateDirectory.path))
    }

    @Test("refuses while a supervisor holds the project, and touches nothing")
    func liveSupervisor() async throws {
        try await ServedProject.serving { served async throws in
            try LogRecordWriter(path: served.endpoint.stateDirectory.logFile(service: "web")).append("kept", stream: .out)
            #expect(throws: ControlServerError.alreadyRunning(served.endpoint)) { try LeftoverCleanup.run(served.endpoint) }
            #expect(FileManager.default.fileExists(atPath: served.endpoint.stateDirectory.logFile(service: "web")))
            #expect(try await served.client.status().instances.count == 2)
        }
    }
}

@Suite("Control endpoint: project name and state directory from the command line")
struct ControlEndpointResolutionTests {
    @Test("-p wins, then COMPOSE_PROJECT_NAME, without reading any compose file")
    func explicitName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["HOME": "/home/ada", "COMPOSE_PROJECT_NAME": "fromenv"]
        let named = try ControlEndpoint.resolve(
            LoadOptions(projectName: "shop", environment: environment, workingDirectory: directory.path), stateDirectory: nil)
        #expect(named == ControlEndpoint(project: "shop", stateDirectory: StateDirectory(path: "/home/ada/.local/state/slipway/shop")))
        let fromEnvironment = try ControlEndpoint.resolve(
            LoadOptions(environment: environment, workingDirectory: directory.path), stateDirectory: "/srv/state")
        #expect(fromEnvironment == ControlEndpoint(project: "fromenv", stateDirectory: StateDirectory(path: "/srv/state")))
    }

    @Test("otherwise the compose file's name, and the XDG state home")
    func fromComposeFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "name: ticket-desk\nservices:\n  web:\n    command: [\"true\"]\n"
            .write(toFile: directory.path + "/compose.yaml", atomically: true, encoding: .utf8)
        let endpoint = try ControlEndpoint.resolve(
            LoadOptions(environment: ["HOME": "/home/ada", "XDG_STATE_HOME": "/xdg"], workingDirectory: directory.path),
            stateDirectory: nil)
        #expect(endpoint == ControlEndpoint(project: "ticket-desk", stateDirectory: StateDirectory(path: "/xdg/slipway/ticket-desk")))
    }

    @Test("no -p and no compose file is the loader's error")
    func noProject() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: ComposeError.self) {
            try ControlEndpoint.resolve(LoadOptions(environment: ["HOME": "/home/ada"], workingDirectory: directory.path), stateDirectory: nil)
        }
    }
}
