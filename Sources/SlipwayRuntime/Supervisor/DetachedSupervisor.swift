import Foundation
import Glibc
import SlipwayShim

/// `up -d`: the supervisor started again from this binary in the background,
/// in a session of its own (so the terminal's Ctrl-C and hang-up never reach
/// it), stdin from /dev/null, its own output appended to `supervisor.out` in
/// the state directory, and a pipe on descriptor 3 for its `BringUpReport`.
public struct DetachedSupervisor: Sendable {
    public let pid: Int32
    private let reports: CInt

    /// Where a detached supervisor's own output (progress lines, crashes) goes.
    public static func outputPath(_ state: StateDirectory) -> String { "\(state.path)/supervisor.out" }

    /// Starts `executable arguments...` with the layout above; `state` must exist.
    public static func launch(
        executable: String, arguments: [String], state: StateDirectory, environment: [String: String]
    ) throws -> DetachedSupervisor {
        var ends: [CInt] = [0, 0]
        guard GNUExtensions.pipe2(&ends, O_CLOEXEC) == 0 else { throw DetachedLaunchError(reason: Self.lastError()) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let output = open(outputPath(state), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        defer { [null, output, ends[1]].filter { $0 >= 0 }.forEach { close($0) } }
        guard null >= 0, output >= 0 else {
            close(ends[0])
            throw DetachedLaunchError(reason: "\(outputPath(state)): \(Self.lastError())")
        }
        do {
            let pid = try ProcessSpawner.spawn(SpawnRequest(
                executable: executable, arguments: [executable] + arguments,
                environment: environment.map { "\($0.key)=\($0.value)" },
                descriptors: [0: null, 1: output, 2: output, BringUpReport.descriptor: ends[1]],
                newSession: true))
            return DetachedSupervisor(pid: pid, reports: ends[0])
        } catch {
            close(ends[0])
            throw DetachedLaunchError(reason: error.description)
        }
    }

    /// The supervisor's report; nil if it ended without one (it crashed) or
    /// `deadline` passed first. Blocks a thread of its own, never the pool.
    public func report(before deadline: ContinuousClock.Instant) async -> BringUpReport? {
        let descriptor = reports
        let line = await DedicatedThread.run { Self.readLine(descriptor, before: deadline) }
        return line.flatMap { try? JSONDecoder().decode(BringUpReport.self, from: $0) }
    }

    private static func readLine(_ descriptor: CInt, before deadline: ContinuousClock.Instant) -> Data? {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(0x0A) {
            let left = deadline - .now
            guard left > .zero else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready >= 0 else { return nil }
            if ready == 0 { continue }
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            received.append(contentsOf: buffer[..<count])
        }
        return received
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

public struct DetachedLaunchError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "cannot start the supervisor in the background: \(reason)" }
}
