import Glibc

/// Enters the network namespace an instance's `__netns-hold` (pid HOLDER)
/// keeps, so a health check's `localhost:<container port>` is that
/// instance; `__exec-tied-netns` calls it before it starts the check.
///
/// Without root the namespace belongs to the holder's user namespace, which
/// must be joined first (it maps the caller's own uid, so nothing changes
/// for the check's files). `setns` of a user namespace needs a
/// single-threaded process, which a fresh exec step is.
package enum NetworkNamespaceEntry {
    /// Nil once inside; else the reason.
    package static func enter(holder: String) -> String? {
        if geteuid() != 0, let failure = join("/proc/\(holder)/ns/user", LinuxNamespaceCalls.newUserNamespace) {
            return failure
        }
        return join("/proc/\(holder)/ns/net", LinuxNamespaceCalls.newNetworkNamespace)
    }

    private static func join(_ path: String, _ type: CInt) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "\(path): \(LinuxNamespaceCalls.lastError())" }
        defer { close(descriptor) }
        guard LinuxNamespaceCalls.setns(descriptor, type) == 0 else { return "setns \(path): \(LinuxNamespaceCalls.lastError())" }
        return nil
    }
}
