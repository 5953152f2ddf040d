import Glibc

/// Starts a probe program with `posix_spawn` (safe in a multi-threaded
/// process, unlike `fork`) as the leader of a new process group, its stdout
/// and stderr on `output`, stdin on /dev/null, no other descriptor inherited.
enum ProbeSpawner {
    struct Failure: Error {
        var reason: String
    }

    static func spawn(_ command: ProbeCommand, output: CInt) -> Result<pid_t, Failure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        _ = GlibcProbeSymbols.addCloseFrom(&actions, 3)
        if let directory = command.workingDirectory {
            _ = GlibcProbeSymbols.addChangeDirectory(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        configureNewGroupWithDefaultSignals(&attributes)

        var pid: pid_t = 0
        let environment = command.environment.map { "\($0.key)=\($0.value)" }
        let code = withNullTerminatedCStrings(command.arguments) { argv in
            withNullTerminatedCStrings(environment) { envp in
                posix_spawn(&pid, command.executable, &actions, &attributes, argv, envp)
            }
        }
        guard code == 0 else {
            let place = command.workingDirectory.map { " in \($0)" } ?? ""
            return .failure(Failure(reason: "cannot run \(command.executable)\(place): \(String(cString: strerror(code)))"))
        }
        return .success(pid)
    }

    static func systemError(_ call: String) -> String {
        "\(call): \(String(cString: strerror(errno)))"
    }

    /// The supervisor ignores or blocks signals (SIGPIPE, SIGINT in the shim)
    /// that would otherwise survive `exec` into the probe.
    private static func configureNewGroupWithDefaultSignals(_ attributes: inout posix_spawnattr_t) {
        posix_spawnattr_setpgroup(&attributes, 0)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))
    }

    /// A NULL-terminated `char *[]` valid for the duration of `body`.
    private static func withNullTerminatedCStrings<R>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R
    ) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
