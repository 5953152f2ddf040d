import Glibc

/// The per-instance shim (`slipway-shim __shim`, the containerd-shim pattern).
///
/// It starts the service in a new session, so the service and everything it
/// forks share one process group, and holds the command pipe from the
/// supervisor. When that pipe closes — the supervisor exited or was killed,
/// even by SIGKILL — it stops the group exactly as a `stop` would, so no
/// process of a service ever outlives its supervisor.
public enum InstanceShim {
    public static func run() -> Never {
        // Ctrl-C in the terminal reaches the whole foreground group; the
        // supervisor decides what a Ctrl-C means, not the shim.
        for number in [SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE, SIGTSTP] { signal(number, SIG_IGN) }

        var commands = DescriptorLineReader(descriptor: ShimDescriptor.commands)
        guard let line = commands.nextLine(),
              let spec = ShimSpec(line: line[...])
        else {
            report(.failed("the shim received no instance specification"))
            exit(2)
        }
        // Before any second thread: a user namespace (without root) needs a single-threaded caller.
        if let hosts = spec.hostsFile, let failure = NamespaceExec.enter(hostsFile: hosts) {
            report(.failed("cannot give \(spec.executable) its own /etc/hosts: \(failure)"))
            exit(1)
        }
        InstanceTree.adoptOrphans()
        let leader: pid_t
        do {
            leader = try ProcessSpawner.spawn(SpawnRequest(
                executable: spec.executable,
                arguments: spec.arguments,
                environment: spec.environment,
                workingDirectory: spec.workingDirectory,
                descriptors: [0: 0, 1: 1, 2: 2],
                newSession: true
            ))
        } catch {
            report(.failed(error.description))
            exit(1)
        }
        // The leader is never reaped by this process before it reports, so its
        // /proc entry (a zombie at worst) is still there to read.
        let identity = ProcessIdentity.of(pid: leader) ?? ProcessIdentity(pid: leader, startTime: 0)
        report(.started(identity))

        let tree = InstanceTree(leader: leader)
        guard ShimThread.detach({ reportExit(of: tree) }) else {
            tree.signal(SIGKILL)
            report(.failed("the shim cannot start a thread to wait for \(spec.executable)"))
            exit(1)
        }
        let stopper = GroupStopper(tree: tree, signal: spec.stopSignal, graceMilliseconds: spec.stopGraceMilliseconds)
        while let line = commands.nextLine() {
            switch ShimCommand(line: line[...]) {
            case .stop: stopper.stop()
            case let .signal(number): tree.signal(number)
            case nil: continue
            }
        }
        stopper.stop()
        while true { pause() }
    }

    /// Reaps adopted orphans as they exit, and waits for the leader without
    /// reaping it: as long as its zombie exists its pid cannot be reused, so
    /// the SIGKILL to the rest of its group can never reach an unrelated
    /// process group.
    private static func reportExit(of tree: InstanceTree) -> Never {
        var info = siginfo_t()
        while true {
            if waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0 {
                if errno == EINTR { continue }
                // No child left to wait for: the leader cannot be reported.
                tree.signal(SIGKILL)
                _exit(1)
            }
            let pid = info._sifields._sigchld.si_pid
            if pid == tree.leader { break }
            waitpid(pid, nil, 0)
        }
        tree.signal(SIGKILL)
        let value = info._sifields._sigchld.si_status
        report(.ended(info.si_code == CLD_EXITED ? .exited(value) : .signalled(value)))
        _exit(0)
    }

    private static func report(_ event: ShimEvent) {
        writeFully(ShimDescriptor.events, event.line)
    }
}
