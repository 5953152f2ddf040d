import Glibc

/// `slipway-shim __exec-tied PARENT PROGRAM ARGV...`: runs one of the
/// supervisor's short-lived helpers (a health check's command, a release
/// command) so that it cannot outlive the supervisor, SIGKILL included.
///
/// The kernel signals this process when the thread that started it ends
/// (`PR_SET_PDEATHSIG`); the supervisor starts helpers from a thread that
/// waits for them, so that is the supervisor dying. The handler kills the
/// whole process group, the helper's own (`ProbeSpawner` makes one), so a
/// shell's children go too. Otherwise it waits for PROGRAM and exits as it did.
///
/// `slipway-shim __exec-tied-netns PARENT HOLDER PROGRAM ARGV...` first enters
/// the network namespace an instance's `__netns-hold` (pid HOLDER) keeps,
/// so a health check's `localhost` is its own instance
/// (`NetworkNamespaceEntry`); done here, in the exec step the check needs
/// anyway, it costs a `setns`, not another exec of this binary.
public enum TiedExec {
    private static let parentDied = SIGUSR2
    private static let setParentDeathSignal: CInt = 1

    public static func execute(parent: pid_t, networkHolder: String? = nil, program: String, arguments: [String]) -> Never {
        if let networkHolder, let failure = NetworkNamespaceEntry.enter(holder: networkHolder) {
            let line = "slipway: cannot enter the instance's network namespace (holder \(networkHolder)): \(failure)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            exit(127)
        }
        signal(parentDied) { _ in kill(0, SIGKILL) }
        _ = GNUExtensions.prctl(setParentDeathSignal, UInt(parentDied), 0, 0, 0)
        // A parent that died before prctl will never signal.
        if getppid() != parent { kill(0, SIGKILL) }
        var child: pid_t = 0
        let spawned = withCStrings(arguments) { argv in posix_spawnp(&child, program, nil, nil, argv, environ) }
        guard spawned == 0 else {
            let reason = spawned == ENOENT && !program.contains("/") ? "executable file not found in $PATH" : String(cString: strerror(spawned))
            let line = "\(program): \(reason)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            exit(127)
        }
        var status: CInt = 0
        while waitpid(child, &status, 0) < 0, errno == EINTR {}
        let signalled = status & 0x7F
        exit(signalled == 0 ? (status >> 8) & 0xFF : 128 + signalled)
    }
}
