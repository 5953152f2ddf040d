import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime

@Suite("InstanceProcess")
struct InstanceProcessTests {
    private func request(_ script: String, grace: Duration = .seconds(10), signal: Int32 = SIGTERM) -> InstanceLaunchRequest {
        InstanceLaunchRequest(
            shimExecutable: BuiltBinary.slipway,
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
        let process = try await InstanceProcess.launch(request("echo $GREETING; pwd; printf 'no newline' >&2; exit 3"), output: lines)
        let status = try #require(await within { await process.waitForExit() }).status
        #expect(status == .exited(3))
        #expect(lines.all == ["hello", "/tmp", "no newline"])
    }

    @Test func keepsVeryLongLines() async throws {
        let lines = CollectedLines()
        let process = try await InstanceProcess.launch(request("head -c 100000 /dev/zero | tr '\\\\0' x; echo; echo after"), output: lines)
        #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
        #expect(lines.all.joined().count == 100_000 + "after".count)
        #expect(lines.all.last == "after")
    }

    @Test func serviceLeadsItsOwnSessionAndGroup() async throws {
        let process = try await InstanceProcess.launch(request("sleep 1000 & wait"), output: CollectedLines())
        let stat = ProcessStat.read(pid: process.leader.pid)
        let shimAlive = process.shim.isAlive
        process.signal(SIGKILL)
        _ = try #require(await within { await process.waitForExit() })
        #expect(stat?.session == process.leader.pid)
        #expect(stat?.processGroup == process.leader.pid)
        #expect(shimAlive)
    }

    @Test func stopSignalsTheWholeGroupIncludingGrandchildren() async throws {
        let process = try await InstanceProcess.launch(request("sleep 1000 & wait"), output: CollectedLines())
        let leader = process.leader.pid
        #expect(await eventually { groupMembers(leader).count >= 2 })
        process.stop()
        #expect(try #require(await within { await process.waitForExit() }).status == .signalled(SIGTERM))
        #expect(await eventually { groupMembers(leader).isEmpty })
    }

    @Test func stopAlsoEndsDescendantsThatLeftTheGroup() async throws {
        let lines = CollectedLines()
        let process = try await InstanceProcess.launch(request("setsid sleep 1000 & echo $!; wait"), output: lines)
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

    @Test func stopEscalatesToKillAfterTheGracePeriod() async throws {
        let lines = CollectedLines()
        let process = try await InstanceProcess.launch(
            request("trap 'echo ignoring' TERM; echo ready; while true; do sleep 0.05; done", grace: .milliseconds(300)),
            output: lines
        )
        #expect(await eventually { lines.all.contains("ready") })
        process.stop()
        #expect(try #require(await within { await process.waitForExit() }).status == .signalled(SIGKILL))
        #expect(lines.all.contains("ignoring"))
    }

    @Test func honoursAConfiguredStopSignal() async throws {
        let lines = CollectedLines()
        let process = try await InstanceProcess.launch(
            request("trap 'echo got-int; exit 0' INT; echo ready; while true; do sleep 0.05; done", signal: SIGINT),
            output: lines
        )
        #expect(await eventually { lines.all.contains("ready") })
        process.stop()
        #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
        #expect(lines.all.contains("got-int"))
    }

    @Test func aMissingProgramIsALaunchError() async throws {
        var missing = request("true")
        missing.executable = "/nonexistent/program"
        await #expect(throws: LaunchError.self) {
            try await InstanceProcess.launch(missing, output: CollectedLines())
        }
    }

    @Test(.enabled(if: geteuid() == 0, "switching user needs root"))
    func switchesUserWhenRoot() async throws {
        var asNobody = request("id -u; id -g")
        asNobody.user = "nobody"
        let lines = CollectedLines()
        let process = try await InstanceProcess.launch(asNobody, output: lines)
        #expect(try #require(await within { await process.waitForExit() }).status == .exited(0))
        let nobody = try #require(getpwnam("nobody"))
        #expect(lines.all == ["\(nobody.pointee.pw_uid)", "\(nobody.pointee.pw_gid)"])
    }
}

/// Live (non-zombie) processes whose process group is `group`.
func groupMembers(_ group: Int32) -> [ProcessStat] {
    ProcessStat.all().filter { $0.processGroup == group && $0.state != "Z" }
}
