/// Whether an instance can have a network namespace of its own on this
/// machine (namespaces may be disabled by the kernel, a seccomp profile or
/// an outer container), found out once per supervisor by starting a holder
/// for real and ending it.
enum NetworkNamespaceSupport {
    static func isAvailable(shimExecutable: String) async -> Bool {
        await DedicatedThread.run {
            guard case let .success(started) = NamespaceHolder.start(shimExecutable: shimExecutable, endpoints: [], environment: [])
            else { return false }
            started.holder.end()
            return true
        }
    }
}
