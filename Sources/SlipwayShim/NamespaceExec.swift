import Glibc

/// `slipway-shim __exec-ns HOSTS PROGRAM ARGV...`: gives the program a private
/// `/etc/hosts`, the way a container gets its own, and execs it.
///
/// A new mount namespace (and, without root, a user namespace mapping only
/// the caller's own uid and gid, which is what lets an unprivileged process
/// mount) with mount propagation made private, so the bind mount of `HOSTS`
/// over `/etc/hosts` is seen by this process and its children alone. It is a
/// separate exec step for health checks because `unshare` of a user namespace
/// fails in a multi-threaded process such as the supervisor; an instance's
/// shim calls `enter` itself, before its first thread. PROGRAM is looked up
/// in `PATH` when it has no slash, so a health check's `CMD` can name a bare
/// program.
public enum NamespaceExec {
    public static func execute(hostsFile: String, executable: String, arguments: [String]) -> Never {
        if let failure = enter(hostsFile: hostsFile) {
            fail("slipway: cannot give \(executable) its own /etc/hosts: \(failure)")
        }
        withCStrings(arguments) { argv in _ = execvp(executable, argv) }
        fail("slipway: cannot start \(executable): \(String(cString: strerror(errno)))")
    }

    /// Enters the namespaces and mounts; the reason when that failed.
    package static func enter(hostsFile: String) -> String? {
        if let failure = LinuxNamespaceCalls.unshareAsOwnUser(LinuxNamespaceCalls.newMountNamespace) { return failure }
        let calls = LinuxNamespaceCalls.self
        guard calls.mount(nil, "/", nil, calls.recursive | calls.privatePropagation, nil) == 0 else {
            return "making mounts private: \(lastError())"
        }
        guard calls.mount(hostsFile, "/etc/hosts", nil, calls.bind, nil) == 0 else {
            return "mounting \(hostsFile) on /etc/hosts: \(lastError())"
        }
        return nil
    }

    private static func lastError() -> String { LinuxNamespaceCalls.lastError() }

    private static func fail(_ message: String) -> Never {
        writeFully(2, message + "\n")
        _exit(127)
    }
}
