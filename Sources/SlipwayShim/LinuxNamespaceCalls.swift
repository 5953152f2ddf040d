import Glibc

/// The Linux namespace calls and constants Swift's Glibc module hides (they
/// need `_GNU_SOURCE`), and the user namespace mapping an unprivileged
/// process writes after `unshare`.
package enum LinuxNamespaceCalls {
    package typealias Unshare = @convention(c) (CInt) -> CInt
    package typealias SetNamespace = @convention(c) (CInt, CInt) -> CInt
    package typealias Mount = @convention(c) (
        UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UInt, UnsafeRawPointer?
    ) -> CInt

    /// `CLONE_NEWNS`, `CLONE_NEWUSER`, `CLONE_NEWNET` from <linux/sched.h>.
    package static let newMountNamespace: CInt = 0x0002_0000
    package static let newUserNamespace: CInt = 0x1000_0000
    package static let newNetworkNamespace: CInt = 0x4000_0000
    /// `MS_BIND`, `MS_REC`, `MS_PRIVATE` from <linux/mount.h>.
    package static let bind: UInt = 4096
    package static let recursive: UInt = 16384
    package static let privatePropagation: UInt = 1 << 18

    package static let unshare: Unshare = unsafeBitCast(dlsym(nil, "unshare"), to: Unshare.self)
    package static let setns: SetNamespace = unsafeBitCast(dlsym(nil, "setns"), to: SetNamespace.self)
    package static let mount: Mount = unsafeBitCast(dlsym(nil, "mount"), to: Mount.self)

    /// Unshares `namespaces`, in a user namespace of its own when not root (the caller's uid and
    /// gid mapped to themselves); the reason when that failed.
    package static func unshareAsOwnUser(_ namespaces: CInt) -> String? {
        let uid = getuid(), gid = getgid()
        let asRoot = geteuid() == 0
        guard unshare(namespaces | (asRoot ? 0 : newUserNamespace)) == 0 else { return "unshare: \(lastError())" }
        if !asRoot, !mapOwnIdentity(uid: uid, gid: gid) { return "user namespace mapping: \(lastError())" }
        return nil
    }

    /// Maps only the caller's own uid and gid into the user namespace it has
    /// just unshared; setgroups must be denied before an unprivileged
    /// process may write gid_map.
    private static func mapOwnIdentity(uid: uid_t, gid: gid_t) -> Bool {
        write("/proc/self/setgroups", "deny") && write("/proc/self/uid_map", "\(uid) \(uid) 1")
            && write("/proc/self/gid_map", "\(gid) \(gid) 1")
    }

    package static func lastError() -> String { String(cString: strerror(errno)) }

    private static func write(_ path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return text.utf8CString.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count - 1) } == text.utf8.count
    }
}
