import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child to completion with posix_spawn and reads its resource usage
/// from wait4, which is where its own peak RSS is (not this process's).
enum ConfigBenchProcess {
    struct Sample {
        var wall: Duration
        /// Peak resident set size of the child, in kilobytes (Linux's ru_maxrss unit).
        var peakKilobytes: Int
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A binary built next to this one (`slipway` beside `slipway-bench`).
    static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: Swift.CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Sample {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let wall = clock.now - start
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) failed (status \(status))")
        }
        return Sample(wall: wall, peakKilobytes: usage.ru_maxrss)
    }
}
