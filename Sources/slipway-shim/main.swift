import Glibc
import SlipwayShim

/// `slipway-shim`: the programs the supervisor starts between itself and a
/// service's processes, one binary with a mode per job. It links only the
/// Swift runtime (statically, see Package.swift), because one of its modes
/// starts with every instance and another with every `CMD` health check:
/// it starts in about a millisecond where the whole `slipway` took eight
/// (docs/benchmarks.md, bring-up). Arguments after the mode reach the
/// program untouched (`-p 5432`), so nothing here parses options.
///
/// - `slipway-shim __shim`: one service instance's shim (spec on descriptor 3).
/// - `slipway-shim __exec-as USER PROGRAM ARGV...`: drop root to USER, then exec.
/// - `slipway-shim __exec-ns HOSTS PROGRAM ARGV...`: a private /etc/hosts, then exec.
/// - `slipway-shim __exec-tied PARENT PROGRAM ARGV...`: a helper that ends when the supervisor does.
/// - `slipway-shim __netns-hold ADDRESS:PORT...`: keeps an instance's own network namespace.
/// - `slipway-shim __exec-tied-netns PARENT HOLDER PROGRAM ARGV...`: the same as `__exec-tied`, inside that namespace.
let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
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
    writeFully(2, "slipway-shim is started by slipway's supervisor, not by hand (docs/architecture.md)\n")
    exit(2)
}
