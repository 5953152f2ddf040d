import Glibc

/// `slipway-shim __exec-as USER PROGRAM ARGV...`: drops root to `USER` (compose's
/// `user:` — `name`, `uid`, `name:group`, `uid:gid`) and execs the program.
/// A separate exec step keeps setuid out of the multi-threaded shim.
public enum UserSwitch {
    public static func execute(user: String, executable: String, arguments: [String]) -> Never {
        do {
            let account = try Account(resolving: user)
            try account.become()
        } catch {
            fail("slipway: cannot run as user \(user): \(error.message)")
        }
        withCStrings(arguments) { argv in _ = execv(executable, argv) }
        fail("slipway: cannot start \(executable): \(String(cString: strerror(errno)))")
    }

    private static func fail(_ message: String) -> Never {
        writeFully(2, message + "\n")
        _exit(127)
    }
}
