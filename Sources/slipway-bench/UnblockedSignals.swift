import Glibc

/// Starting children with no signal blocked, as a shell starts them.
///
/// The benchmark's commands run on Swift concurrency's threads, which block nearly every
/// signal, and a child spawned there (Foundation's `Process` sets no mask) inherits that mask
/// across `exec`. pgbench ends a `-T` run when its SIGALRM arrives; with SIGALRM blocked it
/// never stopped (it was found still running after minutes of a 10-second run).
enum UnblockedSignals {
    /// Runs `spawn` with this thread's signal mask emptied, then puts the mask back.
    static func around<T>(_ spawn: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        sigemptyset(&empty)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try spawn()
    }
}
