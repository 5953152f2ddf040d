import Glibc

/// `slipway-shim __netns-hold ADDRESS:PORT...`: makes an instance's own network
/// namespace and keeps it for the instance's life (docs/health-checks.md).
///
/// It unshares a network namespace (with a user namespace mapping only the
/// caller's own uid and gid when not root: a separate exec step because
/// `unshare` of a user namespace fails in a multi-threaded process such as
/// the supervisor), brings its `lo` up, binds a socket at each ADDRESS:PORT
/// inside it and hands them all to the supervisor over descriptor 3 (a
/// `SOCK_SEQPACKET` socket) in one `SCM_RIGHTS` message. A socket keeps the
/// namespace it was made in, so the supervisor makes them listen and the
/// proxy serves them from the host's namespace: nothing is relayed twice.
///
/// The reply's text is `ready` then one line per endpoint, `bound ENDPOINT`
/// (its descriptor attached, in order) or `failed ENDPOINT: REASON`; or
/// `error REASON` when there is no namespace at all. Then the process waits
/// on descriptor 3 and exits at its end of file: the supervisor closed it,
/// or died (SIGKILL included), since no other process holds that socket.
/// `PR_SET_PDEATHSIG` would not do: it fires when the spawning thread ends,
/// and the supervisor spawns from short-lived threads.
public enum NetworkNamespaceHold {
    package static let channel: CInt = 3

    public static func execute(endpoints: [String]) -> Never {
        if let failure = enter() {
            _ = DescriptorPassing.send(channel, text: "error \(failure)\n", descriptors: [])
            _exit(1)
        }
        var lines = ["ready"]
        var descriptors: [CInt] = []
        for endpoint in endpoints.prefix(DescriptorPassing.maximumDescriptors) {
            switch NamespaceListener.open(endpoint) {
            case let .success(descriptor):
                lines.append("bound \(endpoint)")
                descriptors.append(descriptor)
            case let .failure(failure):
                lines.append("failed \(endpoint): \(failure.reason)")
            }
        }
        guard DescriptorPassing.send(channel, text: lines.joined(separator: "\n") + "\n", descriptors: descriptors) else { _exit(1) }
        descriptors.forEach { close($0) }
        var byte: UInt8 = 0
        while true {
            let count = read(channel, &byte, 1)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { _exit(0) }
        }
    }

    /// Enters the new namespaces and brings `lo` up; the reason when that failed.
    private static func enter() -> String? {
        if let failure = LinuxNamespaceCalls.unshareAsOwnUser(LinuxNamespaceCalls.newNetworkNamespace) { return failure }
        return LoopbackInterface.bringUp()
    }
}
