import Foundation
import Glibc
import Testing

/// `pause` and `unpause`: SIGSTOP and SIGCONT to an instance's group, seen
/// in the kernel's own process state and in `ps`.
@Suite("pause and unpause")
struct PauseCommandTests {
    /// A 60 s grace period: a stop or kill finishes in time only if the
    /// frozen group is continued after its signal (a stopped process acts on
    /// nothing but SIGKILL and SIGCONT).
    static let compose = """
        services:
          app:
            command: sh -c 'sleep 1000 & wait'
            stop_grace_period: 60s
        """

    @Test func pauseFreezesTheGroupAndUnpauseResumesIt() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "-d"])
            let pid = try await stack.psRecords()["app"]?["Pid"] as? Int
            let pause = try await stack.run(["pause", "app"])
            let paused = try await stack.psRecords()["app"]
            let frozen = await Self.eventuallyAll(Self.group(of: pid), inState: "T")
            let unpause = try await stack.run(["unpause"])
            let resumed = try await stack.psRecords()["app"]
            let thawed = await eventually { Self.group(of: pid).allSatisfy { Self.kernelState($0) != "T" } }
            let unpauseAgain = try await stack.run(["unpause", "app"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(pid != nil)
            #expect(pause.status == 0 && pause.errors.contains("Paused"), "\(pause.errors)")
            #expect(paused?["State"] as? String == "paused")
            #expect(paused?["Status"] as? String == "Up (Paused)")
            #expect(frozen, "the shell and its sleep child are stopped (state T)")
            #expect(unpause.status == 0 && unpause.errors.contains("Unpaused"), "\(unpause.errors)")
            #expect(resumed?["State"] as? String == "running")
            #expect(thawed)
            #expect(unpauseAgain.status == 1 && unpauseAgain.errors.contains("is not paused"), "\(unpauseAgain.errors)")
        }
    }

    @Test func aPausedServiceStillStopsAndIsKilledBySignal() async throws {
        try await withStack(Self.compose) { stack in
            _ = try await stack.run(["up", "-d"])
            let firstPid = try await stack.psRecords()["app"]?["Pid"] as? Int
            _ = try await stack.run(["pause", "app"])
            let frozen = await Self.eventuallyAll(Self.group(of: firstPid), inState: "T")
            let stop = try await stack.run(["stop", "app"], within: .seconds(45))
            let stopped = try await stack.psRecords()["app"]
            _ = try await stack.run(["start", "app"])
            let secondPid = try await stack.psRecords()["app"]?["Pid"] as? Int
            _ = try await stack.run(["pause", "app"])
            let frozenAgain = await Self.eventuallyAll(Self.group(of: secondPid), inState: "T")
            let kill = try await stack.run(["kill", "-s", "SIGTERM", "app"])
            let exited = try await stack.waitForState("app", "exited", within: .seconds(45))
            let killed = try await stack.psRecords()["app"]
            _ = try await stack.run(["down"])

            #expect(frozen)
            #expect(stop.status == 0 && stop.errors.contains("Stopped"), "\(stop.errors)")
            #expect(stopped?["State"] as? String == "stopped")
            #expect(frozenAgain)
            #expect(kill.status == 0, "\(kill.errors)")
            #expect(exited, "SIGTERM reached the frozen shell once it was continued")
            #expect(killed?["ExitCode"] as? Int == 143)
        }
    }

    /// The process group whose leader is `pid`: the leader and its children.
    static func group(of pid: Int?) -> [Int32] {
        guard let pid else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            stat(candidate).map { $0.count > 2 && Int($0[2]) == pid } ?? false
        }
    }

    /// Field 3 of /proc/PID/stat: R, S, T (stopped), Z…
    static func kernelState(_ pid: Int32) -> String? {
        stat(pid)?.first
    }

    /// The fields after the command name: state, parent, process group, …
    private static func stat(_ pid: Int32) -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ").map(String.init)
    }

    static func eventuallyAll(_ pids: [Int32], inState state: String) async -> Bool {
        guard pids.count >= 2 else { return false }
        return await eventually { pids.allSatisfy { kernelState($0) == state } }
    }
}
