import Glibc

/// The Linux namespace calls and constants Swift's Glibc module hides (they
/// need `_GNU_SOURCE`), and the user namespace mapping an unprivileged
/// process writes after `unshare`.
enum LinuxNamespaceCalls {
    typealias Unshare = @convention(c) (CInt) -> CInt
    typealias SetNamespace = @convention(c) (CInt, CInt) -> CInt
    typealias Mount = @convention(c) (
        UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UInt, UnsafeRawPointer?
    ) -> CInt

    /// `CLONE_NEWNS`, `CLONE_NEWUSER`, `CLONE_NEWNET` from <linux/sched.h>.
    static let newMountNamespace: CInt = 0x0002_0000
    static let newUserNamespace: CInt = 0x1000_0000
    static let newNetworkNamespace: CInt = 0x4000_0000
    /// `MS_BIND`, `MS_REC`, `MS_PRIVATE` from <linux/mount.h>.
    static let bind: UInt = 4096
    static let recursive: UInt = 16384
    static let privatePropagation: UInt = 1 << 18

    static let unshare: Unshare = unsafeBitCast(dlsym(nil, "unshare"), to: Unshare.self)
    static let setns: SetNamespace = unsafeBitCast(dlsym(nil, "setns"), to: SetNamespace.self)
    static let mount: Mount = unsafeBitCast(dlsym(nil, "mount"), to: Mount.self)

    /// Maps only the caller's own uid and gid into the user namespace it has
    /// just unshared; setgroups must be denied before an unprivileged
    /// process may write gid_map.
    static func mapOwnIdentity(uid: uid_t, gid: gid_t) -> Bool {
        write("/proc/self/setgroups", "deny") && write("/proc/self/uid_map", "\(uid) \(uid) 1")
            && write("/proc/self/gid_map", "\(gid) \(gid) 1")
    }

    static func lastError() -> String { String(cString: strerror(errno)) }

    private static func write(_ path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return text.utf8CString.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count - 1) } == text.utf8.count
    }
}
