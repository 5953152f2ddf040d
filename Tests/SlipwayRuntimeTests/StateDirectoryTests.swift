import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime
@testable import SlipwayShim

@Suite("StateDirectory")
struct StateDirectoryTests {
    @Test func flagWinsOverVariableWhichWinsOverXDG() {
        let environment = ["HOME": "/home/a", "XDG_STATE_HOME": "/xdg", "SLIPWAY_STATE_DIR": "/var/env"]
        #expect(StateDirectory.resolve(project: "p", override: "/flag", environment: environment).path == "/flag")
        #expect(StateDirectory.resolve(project: "p", override: nil, environment: environment).path == "/var/env")
        #expect(StateDirectory.resolve(project: "p", override: nil, environment: ["HOME": "/home/a", "XDG_STATE_HOME": "/xdg"]).path
            == "/xdg/slipway/p")
        #expect(StateDirectory.resolve(project: "p", override: nil, environment: ["HOME": "/home/a"]).path
            == "/home/a/.local/state/slipway/p")
    }

    @Test func preparedDirectoryIsPrivate() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/a/b")
        try state.prepare()
        var info = stat()
        #expect(stat(state.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(FileManager.default.fileExists(atPath: state.logsDirectory))
    }
}

@Suite("SurvivorSweep")
struct SurvivorSweepTests {
    private func startSession(_ script: String) throws -> pid_t {
        try ProcessSpawner.spawn(SpawnRequest(
            executable: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH=/usr/bin:/bin"],
            descriptors: [:], newSession: true))
    }

    @Test func endsRecordedSurvivorsIncludingGrandchildren() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path)
        try state.prepare()
        let leader = try startSession("sleep 1000 & wait")
        defer { kill(-leader, SIGKILL); waitpid(leader, nil, 0) }
        let identity = try #require(ProcessIdentity.of(pid: leader))
        #expect(await eventually { SurvivorSweep.survivors(of: identity).count >= 2 })
        let store = ProcessRecordStore(state)
        store.save(ProcessRecord(service: "db", instance: 1, shim: ProcessIdentity(pid: 1, startTime: 1), leader: identity))

        let ended = SurvivorSweep(store: store).run()

        #expect(ended >= 2)
        #expect(await eventually { SurvivorSweep.survivors(of: identity).isEmpty })
        #expect(store.all().isEmpty)
    }

    @Test func leavesAProcessWhoseStartTimeDiffers() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path)
        try state.prepare()
        let leader = try startSession("sleep 1000")
        defer { kill(-leader, SIGKILL); waitpid(leader, nil, 0) }
        let real = try #require(ProcessIdentity.of(pid: leader))
        let impostor = ProcessIdentity(pid: leader, startTime: real.startTime + 1)
        let store = ProcessRecordStore(state)
        store.save(ProcessRecord(service: "db", instance: 1, shim: impostor, leader: impostor))

        SurvivorSweep(store: store).run(deadline: .milliseconds(100))

        #expect(real.isAlive)
    }
}
