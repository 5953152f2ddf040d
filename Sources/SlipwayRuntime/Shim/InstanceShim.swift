import Foundation
import Glibc

/// The per-instance shim (`slipway __shim`, the containerd-shim pattern).
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
              let spec = try? JSONDecoder().decode(ShimSpec.self, from: Data(line.utf8))
        else {
            report(.failed("the shim received no instance specification"))
            exit(2)
        }
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

        Thread.detachNewThread { reportExit(of: leader) }
        let stopper = GroupStopper(group: leader, signal: spec.stopSignal, graceMilliseconds: spec.stopGraceMilliseconds)
        while let line = commands.nextLine() {
            switch ShimCommand(line: line[...]) {
            case .stop: stopper.stop()
            case let .signal(number): killpg(leader, number)
            case nil: continue
            }
        }
        stopper.stop()
        while true { pause() }
    }

    /// Waits for the leader without reaping it: as long as the zombie exists its
    /// pid cannot be reused, so the SIGKILL to the rest of its group can never
    /// reach an unrelated process group.
    private static func reportExit(of leader: pid_t) -> Never {
        var info = siginfo_t()
        while waitid(P_PID, id_t(leader), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        killpg(leader, SIGKILL)
        let value = info._sifields._sigchld.si_status
        report(.ended(info.si_code == CLD_EXITED ? .exited(value) : .signalled(value)))
        _exit(0)
    }

    private static func report(_ event: ShimEvent) {
        writeFully(ShimDescriptor.events, event.line)
    }
}

/// stop_signal to the whole group, then SIGKILL once the grace period is over.
/// Used from the shim's main thread only.
final class GroupStopper {
    private let group: pid_t
    private let signal: Int32
    private let graceMilliseconds: Int
    private var stopping = false

    init(group: pid_t, signal: Int32, graceMilliseconds: Int) {
        self.group = group
        self.signal = signal
        self.graceMilliseconds = graceMilliseconds
    }

    func stop() {
        guard !stopping else { return }
        stopping = true
        killpg(group, signal)
        let group = self.group
        let grace = graceMilliseconds
        Thread.detachNewThread {
            var delay = timespec(tv_sec: grace / 1000, tv_nsec: (grace % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&delay, &remaining) < 0, errno == EINTR { delay = remaining }
            killpg(group, SIGKILL)
        }
    }
}
