import ArgumentParser
import SlipwayRuntime

/// `slipway __shim`: the per-instance shim the supervisor starts (hidden).
struct ShimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "__shim",
        abstract: "Run one service instance for a supervisor (internal).",
        shouldDisplay: false
    )

    func run() throws {
        InstanceShim.run()
    }
}

/// `slipway __exec-as USER PROGRAM ARGV...`: drop root to USER, then exec (hidden).
struct ExecAsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "__exec-as",
        abstract: "Switch user, then run a program (internal).",
        shouldDisplay: false
    )

    @Argument var user: String
    @Argument var executable: String
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

    func run() throws {
        UserSwitch.execute(user: user, executable: executable, arguments: arguments)
    }
}
