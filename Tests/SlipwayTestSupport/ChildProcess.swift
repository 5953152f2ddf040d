import Foundation
import Glibc
import Synchronization

/// A program the tests start, through `posix_spawn` directly.
///
/// Not Foundation's `Process`: on Linux its `run()` scans `/proc/self/fd`
/// copying 256 bytes of every directory entry, which reads past glibc's
/// buffer and crashes the whole test process now and then once it holds many
/// descriptors (swift-corelibs-foundation#5472, fixed after Swift 6.3).
///
/// The child gets descriptors 0, 1 and 2 as given (`/dev/null` for nil) and
/// no other, a process group of its own, no blocked signals and default
/// signal actions, as a shell would start it.
public final class ChildProcess: Sendable {
    public struct SpawnFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    private let command: String
    private let status = Mutex<Int32?>(nil)

    /// - Parameters:
    ///   - arguments: argv after argv[0] (which is `executable`).
    ///   - environment: nil inherits this process's.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil
    ) throws {
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard devNull >= 0 else { throw SpawnFailure(description: "/dev/null: \(String(cString: strerror(errno)))") }
        defer { close(devNull) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in [(0, stdin), (1, stdout), (2, stderr)] {
            posix_spawn_file_actions_adddup2(&actions, source ?? devNull, Int32(target))
        }
        _ = SpawnExtensions.addCloseFrom(&actions, 3)
        if let directory { _ = SpawnExtensions.addChangeDirectory(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var child: pid_t = 0
        let result = Self.withCStrings([executable] + arguments) { argv in
            Self.withCStrings(environmentLines) { envp in posix_spawn(&child, executable, &actions, &attributes, argv, envp) }
        }
        guard result == 0 else { throw SpawnFailure(description: "\(executable): \(String(cString: strerror(result)))") }
        pid = child
        command = ([executable] + arguments).joined(separator: " ")
    }

    /// Reaps the child once it ended; false from then on.
    public var isRunning: Bool {
        status.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            // Foundation's convention: the exit code, or the number of the signal that ended it.
            status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
            return false
        }
    }

    /// The exit code (or ending signal's number); nil while it runs.
    public var terminationStatus: Int32? {
        _ = isRunning
        return status.withLock { $0 }
    }

    /// A child that did not exit by its deadline; it has been killed.
    public struct DidNotExit: Error, CustomStringConvertible {
        public var command: String
        public var deadline: Duration
        public var description: String { "\(command) did not exit within \(deadline); killed it" }
    }

    /// Waits until the child ended and returns its status; one that has not
    /// ended by `deadline` is killed and fails its test instead of hanging the
    /// run. Polls with `Task.sleep`, never blocking: the tests of the whole
    /// run share a pool of one thread per core, and one test blocking a thread
    /// for a child's lifetime stalls every other test's deadlines on two cores.
    /// A cancelled test stops waiting at once, as at its deadline.
    public func waitUntilExit(within deadline: Duration = .seconds(120)) async throws(DidNotExit) -> Int32 {
        let end = ContinuousClock.now + deadline
        while true {
            if let status = terminationStatus { return status }
            guard ContinuousClock.now < end, !Task.isCancelled else {
                killAndReap()
                throw DidNotExit(command: command, deadline: deadline)
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Kills the child and reaps it, for a `defer`, where nothing can be
    /// awaited; a child killed with SIGKILL ends at once, so the wait is short.
    public func killAndReap() {
        kill(pid, SIGKILL)
        status.withLock { status in
            guard status == nil else { return }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, 0) == pid else { return }
            status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
        }
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    private static func withCStrings<Result>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
