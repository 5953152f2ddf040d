import Glibc
import SlipwayShim

/// A running `slipway-shim __netns-hold` as the supervisor sees it: its pid and
/// the supervisor's end of the socket it replied on. Closing that end ends
/// the holder, and with it the namespace (once the proxy has closed the
/// listeners made in it).
final class NamespaceHolder: Sendable {
    let pid: pid_t
    private let channel: CInt

    /// What a started holder bound: each endpoint's listening descriptor, and the endpoints it could not bind.
    struct Started: Sendable {
        var holder: NamespaceHolder
        var listeners: [(endpoint: String, descriptor: CInt)]
        var failures: [String]
    }

    /// How long a holder may take to answer; it only unshares and binds, so
    /// this is generous, and bounds a kernel or seccomp that hangs it.
    static let replyBudget: CInt = 10_000

    private init(pid: pid_t, channel: CInt) {
        self.pid = pid
        self.channel = channel
    }

    /// Starts a holder binding `endpoints` and waits for its reply. Blocks:
    /// run it on a dedicated thread. `environment` is the holder's (the
    /// supervisor's own, so whoever looks for the run's processes finds it).
    static func start(
        shimExecutable: String, endpoints: [String], environment: [String]
    ) -> Result<Started, NamespaceHolderFailure> {
        var pair: [CInt] = [-1, -1]
        let type = Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            return .failure(NamespaceHolderFailure(reason: "socketpair: \(LinuxNamespaceCalls.lastError())"))
        }
        let (channel, holderEnd) = (pair[0], pair[1])
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard devNull >= 0 else {
            let reason = "/dev/null: \(LinuxNamespaceCalls.lastError())"
            close(channel)
            close(holderEnd)
            return .failure(NamespaceHolderFailure(reason: reason))
        }
        defer { close(devNull) }
        // Its failures come back in its reply, so it writes nowhere. Its own
        // process group: a Ctrl-C at the terminal is the supervisor's to handle.
        let request = SpawnRequest(
            executable: shimExecutable, arguments: [shimExecutable, "__netns-hold"] + endpoints, environment: environment,
            descriptors: [0: devNull, 1: devNull, 2: devNull, NetworkNamespaceHold.channel: holderEnd],
            newProcessGroup: true)
        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawn(request)
        } catch {
            close(channel)
            close(holderEnd)
            return .failure(NamespaceHolderFailure(reason: error.description))
        }
        close(holderEnd)
        let holder = NamespaceHolder(pid: pid, channel: channel)
        var ready = pollfd(fd: channel, events: Int16(POLLIN), revents: 0)
        var polled = poll(&ready, 1, replyBudget)
        while polled < 0, errno == EINTR { polled = poll(&ready, 1, replyBudget) }
        guard polled > 0 else {
            kill(pid, SIGKILL)
            holder.end()
            return .failure(NamespaceHolderFailure(reason: "the namespace holder did not answer within \(replyBudget / 1000)s"))
        }
        guard let (text, descriptors) = DescriptorPassing.receive(channel) else {
            holder.end()
            return .failure(NamespaceHolderFailure(reason: "the namespace holder ended without an answer"))
        }
        return holder.parse(text, descriptors)
    }

    private func parse(_ text: String, _ descriptors: [CInt]) -> Result<Started, NamespaceHolderFailure> {
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.first == "ready" else {
            descriptors.forEach { close($0) }
            end()
            let reason = lines.first.map { $0.hasPrefix("error ") ? String($0.dropFirst(6)) : $0 } ?? "an empty answer"
            return .failure(NamespaceHolderFailure(reason: reason))
        }
        var started = Started(holder: self, listeners: [], failures: [])
        var remaining = descriptors[...]
        for line in lines.dropFirst() {
            if line.hasPrefix("bound "), let descriptor = remaining.popFirst() {
                started.listeners.append((String(line.dropFirst(6)), descriptor))
            } else if line.hasPrefix("failed ") {
                started.failures.append(String(line.dropFirst(7)))
            }
        }
        remaining.forEach { close($0) }
        return .success(started)
    }

    /// Closes the supervisor's end, which the holder reads as its end, and
    /// reaps it. Blocks: run it on a dedicated thread. Call it once.
    func end() {
        close(channel)
        var status: CInt = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }
}

/// A network namespace of an instance's own could not be made.
struct NamespaceHolderFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
