import ComposeKit
import Testing
@testable import SlipwayRuntime

/// What `slipway run` execs: the service's `user:` and `/etc/hosts` through
/// the shim's exec steps, in the order an instance gets them.
@Suite("OneOffCommand")
struct OneOffCommandTests {
    /// `tool` (`id -un`, its `user:` given) as a one-off, its state in a directory of the test's own.
    private static func oneOff(user: String, canSwitchUser: Bool) throws -> OneOffCommand {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        return try OneOffCommand(
            service: Service.shell("tool", "id -un") { $0.user = user }, command: [], dependencies: [:], overrides: [:],
            state: state, inherited: ["PATH": "/usr/bin:/bin"], canSwitchUser: canSwitchUser)
    }

    @Test func withoutRootTheUserIsNotTakenAndTheCommandLineSaysSo() throws {
        let oneOff = try Self.oneOff(user: "nobody", canSwitchUser: false)

        #expect(oneOff.user == nil)
        #expect(oneOff.notes == ["tool: runs as the current user, not nobody: switching user needs root"])
        #expect(!oneOff.needsShim(hostsFile: nil))
        #expect(oneOff.launched(through: "/opt/slipway-shim", hostsFile: nil) == oneOff)
    }

    @Test func theHostsFileIsMountedBeforeTheUserIsTaken() throws {
        let oneOff = try Self.oneOff(user: "0", canSwitchUser: true)
        let launched = oneOff.launched(through: "/opt/slipway-shim", hostsFile: "/state/hosts/tool")

        #expect(oneOff.user == "0" && oneOff.notes.isEmpty)
        #expect(oneOff.needsShim(hostsFile: nil))
        #expect(launched.executable == "/opt/slipway-shim")
        // Each step: the shim, the step, its operand, then the program and its argv (argv[0] first).
        #expect(launched.arguments == [
            "/opt/slipway-shim", "__exec-ns", "/state/hosts/tool", "/opt/slipway-shim",
            "/opt/slipway-shim", "__exec-as", "0", oneOff.executable,
        ] + oneOff.arguments)
    }
}
