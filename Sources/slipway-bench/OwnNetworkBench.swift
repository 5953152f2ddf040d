import ArgumentParser
import Glibc

/// What an instance's own network namespace costs (docs/health-checks.md),
/// for `slipway-bench names`: per instance start, a `slipway-shim __netns-hold`
/// spawned, its namespace made, `lo` up, listeners bound and handed over,
/// then ended; per check, `slipway-shim __exec-tied-netns` entering it before
/// it starts the check, against `__exec-tied` without it.
enum OwnNetworkBench {
    struct Figures {
        var holder: Double
        var unshareNet: Double
        var tiedCheck: Double
        var tiedCheckInNamespace: Double
    }

    static func measure(binary: String, times: Int, spawn: ([String]) throws -> Double) throws -> Figures {
        let endpoints = ["127.0.0.1:8000", "::1:8000", "127.0.0.1:41000", "::1:41000", "127.77.0.2:8000", "127.77.0.3:5432"]
        var holderSamples: [Double] = []
        for _ in 0..<times {
            let started = MonotonicClock.nanoseconds()
            let holder = try Holder(binary: binary, endpoints: endpoints)
            holder.end()
            holderSamples.append(Double(MonotonicClock.nanoseconds() - started) / 1_000_000)
        }
        let unshareNet = try spawn(["/usr/bin/unshare", "--net", "/bin/true"])
        let holder = try Holder(binary: binary, endpoints: endpoints)
        defer { holder.end() }
        let parent = String(getpid())
        let tied = try spawn([binary, "__exec-tied", parent, "/bin/true", "true"])
        let inNamespace = try spawn([binary, "__exec-tied-netns", parent, String(holder.pid), "/bin/true", "true"])
        return Figures(holder: holderSamples.sorted()[holderSamples.count / 2], unshareNet: unshareNet, tiedCheck: tied, tiedCheckInNamespace: inNamespace)
    }

    /// A holder spawned the way the supervisor does it, its reply awaited.
    private struct Holder {
        let pid: pid_t
        let channel: Int32

        init(binary: String, endpoints: [String]) throws {
            var pair: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                throw ValidationError("socketpair failed")
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, pair[1], 3)
            var child: pid_t = 0
            let argv = ([binary, "__netns-hold"] + endpoints).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            let spawned = posix_spawn(&child, binary, &actions, nil, argv, environ)
            close(pair[1])
            guard spawned == 0 else {
                close(pair[0])
                throw ValidationError("cannot spawn \(binary) __netns-hold")
            }
            pid = child
            channel = pair[0]
            // A plain read takes the reply's text; the kernel closes the descriptors it carried.
            var reply = [UInt8](repeating: 0, count: 4096)
            let count = read(channel, &reply, reply.count)
            guard count > 0, String(decoding: reply.prefix(count), as: UTF8.self).hasPrefix("ready") else {
                end()
                throw ValidationError("the namespace holder failed: \(String(decoding: reply.prefix(max(count, 0)), as: UTF8.self))")
            }
        }

        func end() {
            close(channel)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
