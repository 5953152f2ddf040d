import Glibc
import SlipwayShim

/// Runs one probe program to its end on the calling (dedicated) thread.
///
/// The program leads a process group of its own, so a probe that overruns —
/// and anything it started — can be killed as a whole with one
/// `kill(-pgid, SIGKILL)`. The group is also killed after a normal exit,
/// so a probe never leaves a background child behind. The group is always
/// killed before the leader is reaped: until then the zombie leader keeps
/// its pid, so the group id cannot have been reused by an unrelated process.
enum ProbeProcess {
    /// Docker keeps this much of a probe's output.
    static let outputLimit = 4096

    static func run(
        _ command: ProbeCommand, timeout: Duration, cancellation: ProbeCancellation
    ) -> ProbeProcessOutcome {
        let deadline = ProbeDeadline(after: timeout)
        var descriptors: [CInt] = [-1, -1]
        guard GNUExtensions.pipe2(&descriptors, O_CLOEXEC) == 0 else {
            return ProbeProcessOutcome(ending: .failedToStart(reason: ProbeSpawner.systemError("pipe")), output: [])
        }
        let (outputReader, outputWriter) = (descriptors[0], descriptors[1])
        defer { close(outputReader) }
        let spawned = ProbeSpawner.spawn(command, output: outputWriter)
        close(outputWriter)
        switch spawned {
        case let .failure(error):
            return ProbeProcessOutcome(ending: .failedToStart(reason: error.reason), output: [])
        case let .success(pid):
            _ = fcntl(outputReader, F_SETFL, O_NONBLOCK)
            var watch = ProbeWatch(pid: pid, outputReader: outputReader, cancellation: cancellation, deadline: deadline)
            return watch.waitForEnd()
        }
    }
}

/// Watches one running probe: collects its output, notices its exit, its
/// deadline or a cancellation, and leaves nothing of its process group behind.
private struct ProbeWatch {
    let pid: pid_t
    let outputReader: CInt
    let cancellation: ProbeCancellation
    let deadline: ProbeDeadline
    private var output: [UInt8] = []
    private var outputOpen = true

    init(pid: pid_t, outputReader: CInt, cancellation: ProbeCancellation, deadline: ProbeDeadline) {
        self.pid = pid
        self.outputReader = outputReader
        self.cancellation = cancellation
        self.deadline = deadline
    }

    mutating func waitForEnd() -> ProbeProcessOutcome {
        let exitDescriptor = GNUExtensions.pidfdOpen?(pid, 0) ?? -1
        defer { if exitDescriptor >= 0 { close(exitDescriptor) } }
        while true {
            if hasExited {
                let code = killGroupAndReap()
                readAvailableOutput()
                return ProbeProcessOutcome(ending: .exited(code: code), output: output)
            }
            if cancellation.isCancelled {
                _ = killGroupAndReap()
                return ProbeProcessOutcome(ending: .cancelled, output: output)
            }
            if deadline.hasPassed {
                _ = killGroupAndReap()
                readAvailableOutput()
                return ProbeProcessOutcome(ending: .timedOut, output: output)
            }
            waitForActivity(exitDescriptor: exitDescriptor)
        }
    }

    /// Sleeps in `poll` until output arrives, the program exits (its pidfd
    /// turns readable), the deadline passes or the probe is cancelled.
    /// Without a pidfd the exit is noticed on a short tick instead.
    private mutating func waitForActivity(exitDescriptor: CInt) {
        var watched = [pollfd(fd: cancellation.readDescriptor, events: Int16(POLLIN), revents: 0)]
        if exitDescriptor >= 0 { watched.append(pollfd(fd: exitDescriptor, events: Int16(POLLIN), revents: 0)) }
        let outputIndex = watched.count
        if outputOpen { watched.append(pollfd(fd: outputReader, events: Int16(POLLIN), revents: 0)) }
        let tick: Int32? = exitDescriptor >= 0 ? nil : 5
        let ready = poll(&watched, nfds_t(watched.count), deadline.remainingMilliseconds(cap: tick))
        if ready > 0, outputOpen, watched[outputIndex].revents != 0 {
            readAvailableOutput()
        }
    }

    /// True once the program has exited; it stays a zombie (not reaped) so
    /// its process group id stays reserved until `killGroupAndReap`.
    private var hasExited: Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return result == 0 && info._sifields._kill.si_pid == pid
    }

    /// Kills the whole process group, reaps the leader, returns its exit code.
    private func killGroupAndReap() -> Int32 {
        _ = kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Reads whatever the pipe holds now, keeping the first `outputLimit`
    /// bytes; the rest is read and dropped so the program never blocks on a
    /// full pipe.
    private mutating func readAvailableOutput() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while outputOpen {
            let count = read(outputReader, &chunk, chunk.count)
            if count > 0 {
                let room = max(0, ProbeProcess.outputLimit - output.count)
                output.append(contentsOf: chunk[0..<min(count, room)])
                continue
            }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            outputOpen = false
        }
    }
}
