import Glibc
import SlipwayShim

/// The command lines that run a helper through `slipway-shim __exec-tied`
/// (`TiedExec`), so that it cannot outlive this process.
enum TiedCommand {
    /// The argv that runs `program` with `arguments` (argv[0] included) tied to this process.
    static func arguments(shimExecutable: String, program: String, arguments: [String]) -> [String] {
        [shimExecutable, "__exec-tied", String(getpid()), program] + arguments
    }

    /// A health check's command tied to this process, inside the network
    /// namespace `networkHolder` keeps when given; an HTTP check runs in the supervisor itself.
    static func wrap(_ check: ProbeCheck, shimExecutable: String, networkHolder: pid_t? = nil) -> ProbeCheck {
        let prefix = networkHolder.map { [shimExecutable, "__exec-tied-netns", String(getpid()), String($0)] }
            ?? [shimExecutable, "__exec-tied", String(getpid())]
        return check.execed(through: prefix)
    }
}
