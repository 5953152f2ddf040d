import ComposeKit
import Testing
@testable import SlipwayRuntime

/// What `slipway run` execs: the service's `user:` and `/etc/hosts` through
/// the shim's exec steps, in the order an instance gets them.
@Suite("OneOffCommand")
struct OneOffCommandTests {
    private static func service(user: String?) -> Service {
        Service.shell("tool", "id -un") { $0.user = user }
    }

    @Test func withoutRootTheUserIsNotTakenAndTheCommandLineSaysSo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        let oneOff = try OneOffCommand(
            service: Self.service(user: "nobody"), command: [], dependencies: [:], overrides: [:], state: state,
            inherited: ["PATH": "/usr/bin:/bin"], canSwitchUser: false)

        #expect(oneOff.user == nil)
        #expect(oneOff.notes == ["tool: runs as the current user, not nobody: switching user needs root"])
        #expect(!oneOff.needsShim(hostsFile: nil))
        #expect(oneOff.launched(through: "/opt/slipway-shim", hostsFile: nil) == oneOff)
    }

    @Test func theHostsFileIsMountedBeforeTheUserIsTaken() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        let oneOff = try OneOffCommand(
            service: Self.service(user: "0"), command: [], dependencies: [:], overrides: [:], state: state,
            inherited: ["PATH": "/usr/bin:/bin"], canSwitchUser: true)
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
