import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime
@testable import SlipwayShim

/// A state directory Slipway did not make is used only when nobody else could
/// have planted anything in it; names and numbers from the command line never
/// reach the file system or the supervisor unchecked.
@Suite("State directory trust, project names and numbers on the command line")
struct StateDirectoryTrustTests {
    private static let nobody = getpwnam("nobody").map { ($0.pointee.pw_uid, $0.pointee.pw_gid) }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "needs root to create a directory owned by another account"))
    func aDirectoryOwnedByAnotherAccountIsRefused() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        #expect(mkdir(state.path, 0o755) == 0)
        let (uid, gid) = try #require(Self.nobody)
        #expect(chown(state.path, uid, gid) == 0)
        let error = #expect(throws: StateDirectoryError.self) { try state.prepare() }
        #expect(error?.description.contains("\(state.path) is owned by nobody (uid \(uid)), not by root (uid 0)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("rm -rf \(state.path)") == true)
        #expect(!FileManager.default.fileExists(atPath: state.logsDirectory), "nothing is created in a refused directory")
    }

    @Test func aSubdirectoryWritableByOthersIsRefusedAndAPrivateOneKeepsItsContents() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        try state.prepare()
        #expect(chmod(state.logsDirectory, 0o777) == 0)
        let error = #expect(throws: StateDirectoryError.self) { try state.prepare() }
        #expect(error?.description.contains("\(state.logsDirectory) is writable by others (mode 777)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("chmod 700 \(state.logsDirectory)") == true)
    }

    @Test func downWithoutASupervisorActsOnNoRecordOthersCouldHavePlanted() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        try state.prepare()
        let victim = try ProcessSpawner.spawn(SpawnRequest(
            executable: "/bin/sh", arguments: ["sh", "-c", "exec sleep 1000"], environment: ["PATH=/usr/bin:/bin"],
            descriptors: [:], newSession: true))
        defer { kill(-victim, SIGKILL); waitpid(victim, nil, 0) }
        let identity = try #require(ProcessIdentity.of(pid: victim))
        ProcessRecordStore(state).save(ProcessRecord(service: "db", instance: 1, shim: identity, leader: identity))
        #expect(chmod(state.processesDirectory, 0o777) == 0)
        let endpoint = ControlEndpoint(project: "demo", stateDirectory: state)
        #expect(throws: ControlServerError.self) { try LeftoverCleanup.run(endpoint) }
        #expect(identity.isAlive)
        #expect(FileManager.default.fileExists(atPath: state.logsDirectory))
    }

    @Test func existingSubdirectoriesAreMadePrivate() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        try state.prepare()
        #expect(chmod(state.logsDirectory, 0o755) == 0 && chmod(state.processesDirectory, 0o750) == 0)
        try state.prepare()
        #expect(mode(state.path) == 0o700)
        #expect(mode(state.logsDirectory) == 0o700)
        #expect(mode(state.processesDirectory) == 0o700)
    }

    @Test func aSymbolicLinkInPlaceOfASubdirectoryIsRefused() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        #expect(mkdir(state.path, 0o700) == 0 && mkdir(temporary.path + "/elsewhere", 0o700) == 0)
        #expect(symlink(temporary.path + "/elsewhere", state.logsDirectory) == 0)
        let error = #expect(throws: StateDirectoryError.self) { try state.prepare() }
        #expect(error?.description.contains("\(state.logsDirectory) is a symbolic link") == true, "\(String(describing: error))")
    }

    @Test func aLogFileThatIsASymbolicLinkIsNeverFollowed() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        try state.prepare()
        let target = temporary.path + "/target"
        try "untouched\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(symlink(target, state.logFile(service: "web")) == 0)
        #expect(throws: LogStoreError.self) { try LogRecordWriter(path: state.logFile(service: "web")) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched\n")
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "needs root to create a directory owned by another account"))
    func upRefusesAPlantedStateDirectoryAndWritesNothingThroughItsLink() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let (uid, gid) = try #require(Self.nobody)
        let state = StateDirectory(path: temporary.path + "/state")
        #expect(mkdir(state.path, 0o755) == 0 && mkdir(state.logsDirectory, 0o777) == 0)
        #expect(chmod(state.logsDirectory, 0o777) == 0)
        let secret = temporary.path + "/root-only"
        try "root's\n".write(toFile: secret, atomically: false, encoding: .utf8)
        #expect(chmod(secret, 0o600) == 0)
        #expect(symlink(secret, state.logFile(service: "web")) == 0)
        for path in [state.path, state.logsDirectory] { #expect(chown(path, uid, gid) == 0) }
        #expect(lchown(state.logFile(service: "web"), uid, gid) == 0)
        let compose = temporary.path + "/compose.yaml"
        try "services:\n  web:\n    command: echo the-secret\n".write(toFile: compose, atomically: false, encoding: .utf8)

        let up = try await SlipwayRun.run(["up", "-f", compose, "-p", "planted", "--state-dir", state.path], home: temporary.path)
        #expect(up.code == 5, "\(up.stderr)")
        #expect(up.stderr.contains("is owned by nobody"), "\(up.stderr)")
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "root's\n")
    }

    @Test("-p is checked for every command: ../../victim is refused before anything is touched")
    func aProjectNameCannotWalkOut() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let victim = temporary.path + "/victim"
        try FileManager.default.createDirectory(atPath: victim + "/logs", withIntermediateDirectories: true)
        try "kept\n".write(toFile: victim + "/logs/db.log", atomically: false, encoding: .utf8)
        let environment = ["XDG_STATE_HOME": temporary.path + "/x"]
        for command in [["down"], ["ps"], ["stop"], ["logs"], ["kill"]] {
            let run = try await SlipwayRun.run(["-p", "../../victim"] + command, home: temporary.path, environment: environment)
            #expect(run.code == 1, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("invalid project name \"../../victim\""), "\(command): \(run.stderr)")
        }
        let service = try await SlipwayRun.run(["-p", "demo", "logs", "../../victim/logs/db"], home: temporary.path, environment: environment)
        #expect(service.code == 2 && service.stderr.contains("invalid service name \"../../victim/logs/db\""), "\(service.stderr)")
        let named = try await SlipwayRun.run(
            ["down"], home: temporary.path, environment: environment.merging(["COMPOSE_PROJECT_NAME": ".."]) { $1 })
        #expect(named.code == 1 && named.stderr.contains("invalid project name \"..\""), "\(named.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim).sorted() == ["logs"])
        #expect(try String(contentsOfFile: victim + "/logs/db.log", encoding: .utf8) == "kept\n")
    }

    @Test("a number out of range on the command line is a usage error, before any supervisor is asked or file read")
    func numbersOutOfRangeAreUsageErrors() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let state = StateDirectory(path: temporary.path + "/state")
        try state.prepare()
        try LogRecordWriter(path: state.logFile(service: "web")).append("hello", stream: .out)
        let project = ["-p", "shop", "--state-dir", state.path]
        let cases: [([String], String)] = [
            (["stop", "-t", "10000000000000000"], "--timeout takes 0 to 86400 seconds"),
            (["restart", "-t", "86401"], "--timeout takes 0 to 86400 seconds"),
            (["down", "--timeout=-1"], "--timeout takes 0 to 86400 seconds"),
            (["restart", "--timeout=-5", "web"], "--timeout takes 0 to 86400 seconds"),
            (["logs", "--tail", "9223372036854775807"], "--tail takes a number of lines from 0 to 1000000000"),
            (["logs", "--tail", "100000000000000000000"], "--tail takes a number of lines from 0 to 1000000000"),
            (["up", "-d", "--wait-timeout", "9223372036854775807"], "--wait-timeout takes 1 to 31536000 seconds"),
        ]
        for (command, message) in cases {
            let run = try await SlipwayRun.run(command + project, home: temporary.path)
            #expect(run.code == 2, "\(command): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(command): \(run.stderr)")
        }
    }
}
