import Foundation
import Glibc
import Testing
@testable import SlipwayShim

/// Both ways of finding a process's children name the same processes, so the walk of a shim's
/// tree finds what it found before on kernels with and without the per-thread files.
@Suite("ChildLinks")
struct ChildLinksTests {
    @Test func theTaskFilesAndTheProcessTableNameTheSameChildren() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "sleep 600 & sleep 600 & wait"]
        try shell.run()
        let pid = shell.processIdentifier
        defer {
            killpg(pid, SIGKILL)
            for child in ChildLinks.fromProcessTable()(pid) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
            shell.waitUntilExit()
        }
        let fromTable = Self.twoChildren(of: pid)
        try #require(fromTable.count == 2)
        let fromTasks = try #require(ChildLinks.fromTaskFiles(), "this kernel has /proc/PID/task/TID/children")
        #expect(Set(fromTasks(pid)) == Set(fromTable))
        #expect(fromTasks(getpid()).contains(pid), "a child started from any thread of this process is listed")
        #expect(fromTasks(fromTable[0]).isEmpty)
    }

    /// The shell's two `sleep`s, once it has started both. Polled on this thread rather than
    /// with `Task.sleep`: with every thread of the test pool busy, a sleeping task resumed only
    /// after its deadline had passed.
    private static func twoChildren(of pid: pid_t) -> [pid_t] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let children = ChildLinks.fromProcessTable()(pid)
            if children.count == 2 { return children }
            usleep(2_000)
        }
        Issue.record("the shell did not start its two children within 60 s")
        return []
    }
}
