import Glibc

/// `slipway __exec-ns HOSTS PROGRAM ARGV...`: gives the program a private
/// `/etc/hosts`, the way a container gets its own, and execs it.
///
/// A new mount namespace (and, without root, a user namespace mapping only
/// the caller's own uid and gid, which is what lets an unprivileged process
/// mount) with mount propagation made private, so the bind mount of `HOSTS`
/// over `/etc/hosts` is seen by this process and its children alone. It is a
/// separate exec step because `unshare` of a user namespace fails in a
/// multi-threaded process such as the shim. PROGRAM is looked up in `PATH`
/// when it has no slash, so a health check's `CMD` can name a bare program.
public enum NamespaceExec {
    public static func execute(hostsFile: String, executable: String, arguments: [String]) -> Never {
        if let failure = enter(hostsFile: hostsFile) {
            fail("slipway: cannot give \(executable) its own /etc/hosts: \(failure)")
        }
        withCStrings(arguments) { argv in _ = execvp(executable, argv) }
        fail("slipway: cannot start \(executable): \(String(cString: strerror(errno)))")
    }

    /// Enters the namespaces and mounts; the reason when that failed.
    static func enter(hostsFile: String) -> String? {
        let uid = getuid(), gid = getgid()
        let asRoot = geteuid() == 0
        let flags = Linux.newMountNamespace | (asRoot ? 0 : Linux.newUserNamespace)
        guard Linux.unshare(flags) == 0 else { return "unshare: \(lastError())" }
        if !asRoot {
            // setgroups must be denied before an unprivileged process may write gid_map.
            guard write("/proc/self/setgroups", "deny"), write("/proc/self/uid_map", "\(uid) \(uid) 1"),
                  write("/proc/self/gid_map", "\(gid) \(gid) 1")
            else { return "user namespace mapping: \(lastError())" }
        }
        guard Linux.mount(nil, "/", nil, Linux.recursive | Linux.privatePropagation, nil) == 0 else {
            return "making mounts private: \(lastError())"
        }
        guard Linux.mount(hostsFile, "/etc/hosts", nil, Linux.bind, nil) == 0 else {
            return "mounting \(hostsFile) on /etc/hosts: \(lastError())"
        }
        return nil
    }

    private static func write(_ path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return text.utf8CString.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count - 1) } == text.utf8.count
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    private static func fail(_ message: String) -> Never {
        writeFully(2, message + "\n")
        _exit(127)
    }
}

/// The Linux calls and constants Swift's Glibc module hides (they need `_GNU_SOURCE`).
private enum Linux {
    typealias Unshare = @convention(c) (CInt) -> CInt
    typealias Mount = @convention(c) (
        UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UInt, UnsafeRawPointer?
    ) -> CInt

    /// `CLONE_NEWNS`, `CLONE_NEWUSER` from <linux/sched.h>.
    static let newMountNamespace: CInt = 0x0002_0000
    static let newUserNamespace: CInt = 0x1000_0000
    /// `MS_BIND`, `MS_REC`, `MS_PRIVATE` from <linux/mount.h>.
    static let bind: UInt = 4096
    static let recursive: UInt = 16384
    static let privatePropagation: UInt = 1 << 18

    static let unshare: Unshare = unsafeBitCast(dlsym(nil, "unshare"), to: Unshare.self)
    static let mount: Mount = unsafeBitCast(dlsym(nil, "mount"), to: Mount.self)
}
