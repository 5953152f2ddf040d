import Foundation
import Glibc
import Testing

@Suite("up: nothing left behind")
struct UpOrphanTests {
    private static let stack = """
        services:
          worker:
            command: sh -c 'sleep 1000 & wait'
            stop_grace_period: 1s
          stubborn:
            command: ["sh", "-c", "trap '' TERM; sleep 1000 & wait; while true; do sleep 1; done"]
            stop_grace_period: 1s
        """

    /// Plus a grandchild that leaves the session (`setsid`).
    private static let stackWithEscapee = stack + """

          escapee:
            command: ["sh", "-c", "setsid sleep 1000 & wait"]
            stop_grace_period: 1s
        """

    @Test func killingTheSupervisorWithSIGKILLEndsEveryServiceProcess() async throws {
        let stack = try TestStack(Self.stackWithEscapee)
        let up = try stack.start()
        let running = await eventually { Self.sleepers(stack) == 3 }
        let before = stack.processes().count
        up.signal(SIGKILL)
        _ = await up.waitForExit()
        // stop_grace_period (1 s) plus room for a loaded machine: `sleep 1000` would outlast any of it.
        let gone = await eventually(within: .seconds(20)) { stack.processes().isEmpty }
        let left = stack.processes()
        await up.cleanUp()

        #expect(running, "the stack never started: \(up.output)\(up.errors)")
        #expect(before >= 9)
        #expect(gone, "still running \(left)")
    }

    @Test func aLaterUpEndsSurvivorsRecordedByAnEarlierOne() async throws {
        let stack = try TestStack(Self.stack)
        let first = try stack.start()
        let running = await eventually { Self.sleepers(stack) == 2 }
        // Freeze the supervisor, kill its shims, then kill it: nobody is left
        // to stop the services, as after a crash of the whole tree.
        let shims = stack.processes().filter { Self.commandLine($0).contains("__shim") }
        first.signal(SIGSTOP)
        shims.forEach { kill($0, SIGKILL) }
        first.signal(SIGKILL)
        _ = await first.waitForExit()
        let survivors = stack.processes()

        let second = try stack.start()
        let started = await second.waitForOutput("worker    Started")
        let survivorsGone = await eventually { survivors.allSatisfy { !Self.isAlive($0) } }
        second.signal(SIGINT)
        let status = await second.waitForExit()
        await second.cleanUp()

        #expect(running)
        #expect(shims.count == 2)
        #expect(survivors.count >= 4, "the services should outlive their killed shims until the next up")
        #expect(started)
        #expect(survivorsGone)
        #expect(second.output.contains("! worker    ended what an earlier supervisor left running"))
        #expect(status == 0, "second up: \(second.output)\(second.errors)")
    }

    @Test func aSecondUpOfARunningProjectRefusesAndLeavesItAlone() async throws {
        let stack = try TestStack(Self.stack)
        let first = try stack.start()
        let running = await eventually { Self.sleepers(stack) == 2 }
        let before = Set(stack.processes())
        let second = try stack.start()
        let secondStatus = await second.waitForExit()
        let after = Set(stack.processes())
        first.signal(SIGINT)
        let firstStatus = await first.waitForExit()
        await first.cleanUp()

        #expect(running)
        #expect(secondStatus == 6)
        #expect(second.errors.contains("already running"))
        #expect(before.isSubset(of: after), "the second up must not touch the first one's processes")
        #expect(firstStatus == 0)
    }

    /// Every service's `sleep 1000` grandchild exists once everything has started.
    private static func sleepers(_ stack: TestStack) -> Int {
        stack.processes().filter { commandLine($0).hasPrefix("sleep 1000") }.count
    }

    private static func commandLine(_ pid: Int32) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }
}
