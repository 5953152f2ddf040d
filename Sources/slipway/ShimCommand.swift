import SlipwayRuntime

/// The hidden modes the supervisor starts `slipway` in. They are dispatched
/// before argument parsing, because the program a shim or `__exec-as` runs
/// has arguments of its own (`-p 5432`) that must reach it untouched.
///
/// - `slipway __shim`: one service instance's shim (spec on descriptor 3).
/// - `slipway __exec-as USER PROGRAM ARGV...`: drop root to USER, then exec.
/// - `slipway __exec-ns HOSTS PROGRAM ARGV...`: a private /etc/hosts, then exec.
/// - `slipway __exec-tied PARENT PROGRAM ARGV...`: a helper that ends when the supervisor does.
/// - `slipway __netns-hold ADDRESS:PORT...`: keeps an instance's own network namespace.
/// - `slipway __exec-tied-netns PARENT HOLDER PROGRAM ARGV...`: the same as `__exec-tied`, inside that namespace.
enum HiddenMode {
    static func runIfRequested(_ arguments: [String]) {
        guard arguments.count > 1 else { return }
        switch arguments[1] {
        case "__shim":
            InstanceShim.run()
        case "__exec-as" where arguments.count >= 5:
            UserSwitch.execute(user: arguments[2], executable: arguments[3], arguments: Array(arguments[4...]))
        case "__exec-ns" where arguments.count >= 5:
            NamespaceExec.execute(hostsFile: arguments[2], executable: arguments[3], arguments: Array(arguments[4...]))
        case "__exec-tied" where arguments.count >= 5:
            TiedExec.execute(parent: Int32(arguments[2]) ?? 0, program: arguments[3], arguments: Array(arguments[4...]))
        case "__netns-hold":
            NetworkNamespaceHold.execute(endpoints: Array(arguments[2...]))
        case "__exec-tied-netns" where arguments.count >= 6:
            TiedExec.execute(
                parent: Int32(arguments[2]) ?? 0, networkHolder: arguments[3], program: arguments[4], arguments: Array(arguments[5...]))
        default:
            return
        }
    }
}
