import Glibc

/// `posix_spawn` (a vfork+exec, safe in a multi-threaded process, unlike fork).
package enum ProcessSpawner {
    package static func spawn(_ request: SpawnRequest) throws(SpawnError) -> pid_t {
        let sources = try duplicateAboveTargets(request)
        defer { sources.values.forEach { close($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in sources { posix_spawn_file_actions_adddup2(&actions, source, target) }
        _ = GNUExtensions.addCloseFrom(&actions, (request.descriptors.keys.max() ?? 2) + 1)
        if let directory = request.workingDirectory {
            _ = GNUExtensions.addChangeDirectory(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        try configure(&attributes, request)

        var pid: pid_t = 0
        let code = withCStrings(request.arguments) { argv in
            withCStrings(request.environment) { envp in
                posix_spawn(&pid, request.executable, &actions, &attributes, argv, envp)
            }
        }
        guard code == 0 else { throw SpawnError(executable: request.executable, code: code) }
        return pid
    }

    /// Copies each source descriptor to a number above every target, so one
    /// `dup2` can never overwrite a source another `dup2` still needs.
    private static func duplicateAboveTargets(_ request: SpawnRequest) throws(SpawnError) -> [CInt: CInt] {
        let floor = (request.descriptors.keys.max() ?? 2) + 1
        var copies: [CInt: CInt] = [:]
        for (target, source) in request.descriptors {
            let copy = fcntl(source, F_DUPFD_CLOEXEC, floor)
            guard copy >= 0 else {
                let code = errno
                copies.values.forEach { close($0) }
                throw SpawnError(executable: request.executable, code: code)
            }
            copies[target] = copy
        }
        return copies
    }

    /// Signal dispositions and the mask are reset, because ignored signals
    /// (the shim ignores SIGINT and SIGPIPE) would otherwise survive `exec`.
    private static func configure(_ attributes: inout posix_spawnattr_t, _ request: SpawnRequest) throws(SpawnError) {
        var flags = CInt(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if request.newSession {
            flags |= GNUExtensions.spawnSetSession
        } else if request.newProcessGroup {
            flags |= CInt(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let code = posix_spawnattr_setflags(&attributes, Int16(flags))
        guard code == 0 else { throw SpawnError(executable: request.executable, code: code) }
    }
}
