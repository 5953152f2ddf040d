import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime
@testable import SlipwayShim

@Suite("InstanceProcess")
struct InstanceProcessTests {
    private func request(_ script: String, grace: Duration = .seconds(10), signal: Int32 = SIGTERM) -> InstanceLaunchRequest {
        InstanceLaunchRequest(
            shimExecutable: BuiltBinary.shim,
            executable: "/bin/sh",
            arguments: ["sh", "-c", script],
            environment: ["PATH": "/usr/bin:/bin", "GREETING": "hello"],
            workingDirectory: "/tmp",
            stopSignal: signal,
            stopGracePeriod: grace
        )
    }

    @Test func capturesOutputAndExitCode() async throws {
        let lines = CollectedLines()
        try await withInstance(request("echo $GREETING; pwd; printf 'no newline' >&2; exit 3"), output: lines) { process async throws in
            let status = try #require(await within { await process.waitForExit() }).status
            #expect(status == .exited(3))
            #expect(lines.all == ["hello", "/tmp", "no newline"])
        }
    }

    @Test func keepsVeryLongLines() async throws {
        let lines = CollectedLines()
        try await withInstance(request("head -c 100000 /dev/zero | tr '\\\\0' x; echo; echo after"), output: lines) { process async throws in
            #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
            #expect(lines.all.joined().count == 100_000 + "after".count)
            #expect(lines.all.last == "after")
        }
    }

    @Test func serviceLeadsItsOwnSessionAndGroup() async throws {
        try await withInstance(request("sleep 1000 & wait"), output: CollectedLines()) { process async throws in
            let stat = ProcessStat.read(pid: process.leader.pid)
            let shimAlive = process.shim.isAlive
            process.signal(SIGKILL)
            _ = try #require(await within { await process.waitForExit() })
            #expect(stat?.session == process.leader.pid)
            #expect(stat?.processGroup == process.leader.pid)
            #expect(shimAlive)
        }
    }

    @Test func stopSignalsTheWholeGroupIncludingGrandchildren() async throws {
        try await withInstance(request("sleep 1000 & wait"), output: CollectedLines()) { process async throws in
            let leader = process.leader.pid
            #expect(await eventually { groupMembers(leader).count >= 2 })
            process.stop()
            #expect(try #require(await within { await process.waitForExit() }).status == .signalled(SIGTERM))
            #expect(await eventually { groupMembers(leader).isEmpty })
        }
    }

    @Test func stopAlsoEndsDescendantsThatLeftTheGroup() async throws {
        let lines = CollectedLines()
        try await withInstance(request("setsid sleep 1000 & echo $!; wait"), output: lines) { process async throws in
            #expect(await eventually { !lines.all.isEmpty })
            let escaped = try #require(lines.all.first.flatMap { Int32($0) })
            let identity = try #require(ProcessIdentity.of(pid: escaped))
            let leftTheGroup = await eventually { ProcessStat.read(pid: escaped)?.session == escaped }
            process.stop()
            _ = try #require(await within { await process.waitForExit() })
            let gone = await eventually { !identity.isAlive }
            if !gone { kill(escaped, SIGKILL) }
            #expect(leftTheGroup)
            #expect(gone)
        }
    }

    @Test func stopEscalatesToKillAfterTheGracePeriod() async throws {
        let lines = CollectedLines()
        try await withInstance(request("trap 'echo ignoring' TERM; echo ready; while true; do sleep 0.05; done", grace: .seconds(5)), output: lines) { process async throws in
            #expect(await eventually { lines.all.contains("ready") })
            process.stop()
            #expect(try #require(await within { await process.waitForExit() }).status == .signalled(SIGKILL))
            #expect(lines.all.contains("ignoring"))
        }
    }

    @Test func honoursAConfiguredStopSignal() async throws {
        let lines = CollectedLines()
        try await withInstance(request("trap 'echo got-int; exit 0' INT; echo ready; while true; do sleep 0.05; done", signal: SIGINT), output: lines) { process async throws in
            #expect(await eventually { lines.all.contains("ready") })
            process.stop()
            #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
            #expect(lines.all.contains("got-int"))
        }
    }

    @Test func aMissingProgramIsALaunchError() async throws {
        var missing = request("true")
        missing.executable = "/nonexistent/program"
        await #expect(throws: LaunchError.self) {
            try await InstanceProcess.launch(missing, output: CollectedLines())
        }
    }

    /// The shim mounts the file itself, before it starts the program: no
    /// `__exec-ns` process between them, so both share the new namespace.
    @Test(.enabled(if: geteuid() == 0, "a mount namespace needs root here (user namespaces: the e2e name tests)"))
    func theShimMountsTheHostsFileForTheProgram() async throws {
        let directory = try HealthTestDirectory()
        try directory.write("127.9.9.9 only-here\n", to: "hosts")
        var named = request("cat /etc/hosts; readlink /proc/$PPID/ns/mnt /proc/self/ns/mnt")
        named.hostsFile = directory.file("hosts")
        let lines = CollectedLines()
        try await withInstance(named, output: lines) { process async throws in
            #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
            let ours = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
            #expect(lines.all.count == 3, "\(lines.all)")
            #expect(lines.all.first == "127.9.9.9 only-here")
            #expect(Set(lines.all.dropFirst()).count == 1, "the shim and the program share one mount namespace: \(lines.all)")
            #expect(lines.all.last != ours, "a mount namespace of their own")
        }
    }

    @Test(.enabled(if: geteuid() == 0, "a mount namespace needs root here"))
    func aHostsFileThatCannotBeMountedIsALaunchError() async throws {
        var broken = request("true")
        broken.hostsFile = "/nonexistent/hosts"
        await #expect(throws: LaunchError.self) {
            try await InstanceProcess.launch(broken, output: CollectedLines())
        }
    }

    @Test(.enabled(if: geteuid() == 0, "switching user needs root"))
    func switchesUserWhenRoot() async throws {
        var asNobody = request("id -u; id -g")
        asNobody.user = "nobody"
        let lines = CollectedLines()
        try await withInstance(asNobody, output: lines) { process async throws in
            #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
            let nobody = try #require(getpwnam("nobody"))
            #expect(lines.all == ["\(nobody.pointee.pw_uid)", "\(nobody.pointee.pw_gid)"])
        }
    }
}

/// Launches an instance for `body` and kills whatever is left of it (shim
/// and session) however `body` ends, so a failed `#require` leaves nothing running.
private func withInstance<Result>(
    _ request: InstanceLaunchRequest, output: any LineSink, _ body: (InstanceProcess) async throws -> Result
) async throws -> Result {
    let process = try await InstanceProcess.launch(request, output: output)
    defer {
        for member in SurvivorSweep.survivors(of: process.leader) { kill(member.pid, SIGKILL) }
        if process.shim.isAlive { kill(process.shim.pid, SIGKILL) }
    }
    return try await body(process)
}

/// Live (non-zombie) processes whose process group is `group`.
func groupMembers(_ group: Int32) -> [ProcessStat] {
    ProcessStat.all().filter { $0.processGroup == group && $0.state != "Z" }
}
