import Glibc
import SlipwayShim

/// Whether `__exec-ns` works on this machine (namespaces may be disabled by
/// the kernel, a seccomp profile or an outer container), found out once per
/// supervisor by running it for real: `slipway-shim __exec-ns /etc/hosts /bin/true`.
enum NamespaceSupport {
    static func isAvailable(shimExecutable: String) async -> Bool {
        await DedicatedThread.run {
            let request = SpawnRequest(
                executable: shimExecutable, arguments: [shimExecutable, "__exec-ns", "/etc/hosts", "/bin/true", "true"],
                environment: [], descriptors: [:])
            guard let pid = try? ProcessSpawner.spawn(request) else { return false }
            var status: CInt = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            return status == 0
        }
    }
}
