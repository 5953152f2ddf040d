import ArgumentParser
import Foundation
import SlipwayRuntime
import Glibc

/// `slipway-bench names`: what service discovery costs (docs/service-discovery.md).
/// Per `CMD` check: spawning a program through `slipway __exec-ns` (mount
/// namespace, private propagation, bind mount of a hosts file) against
/// spawning it directly, and against util-linux `unshare --mount` (an
/// instance's shim takes the same steps in-process, without the exec). Per
/// request: a `GET` on a fresh connection through the proxy at a service's
/// address (`web:8000`) against the same through its published port, in one
/// stack, alternating. And an instance's own network namespace, where its
/// health checks run (`OwnNetworkBench`): per start and per check.
struct NamesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "names",
        abstract: "Cost of a private /etc/hosts per CMD check, of an own network namespace per instance start and per check, and of a request through a service address vs the published port."
    )

    @Option(help: "Spawns per variant.")
    var spawns = 300

    @Option(help: "Requests per target.")
    var requests = 2000

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    mutating func run() async throws {
        let slipway = slipway ?? SupervisorRSSBenchCommand.siblingSlipway()
        let binary = try ShimExecutable.beside(slipway)
        let directory = NSTemporaryDirectory() + "slipway-names-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hosts = directory + "/hosts"
        try "127.9.9.9\tdb\n".write(toFile: hosts, atomically: true, encoding: .utf8)

        let direct = try Self.spawnMilliseconds(["/bin/true", "true"], times: spawns)
        let viaNamespace = try Self.spawnMilliseconds([binary, "__exec-ns", hosts, "/bin/true", "true"], times: spawns)
        let viaUnshare = try Self.spawnMilliseconds(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/true"], times: spawns)

        let network = try OwnNetworkBench.measure(binary: binary, times: spawns) { try Self.spawnMilliseconds($0, times: spawns) }
        let (published, named) = try await Self.requestLatencies(binary: slipway, directory: directory, requests: requests)
        print("""
        private /etc/hosts per CMD check (median of \(spawns) spawn+exit, ms):
          /bin/true directly                          \(Self.format(direct))
          slipway-shim __exec-ns HOSTS /bin/true      \(Self.format(viaNamespace))   namespace cost \(Self.format(viaNamespace - direct)) ms
          unshare --mount --propagation private true  \(Self.format(viaUnshare))   (util-linux, for comparison)
        own network namespace (median of \(spawns), ms):
          per start: slipway-shim __netns-hold, 6 sockets, reply, end  \(Self.format(network.holder))
          unshare --net true                          \(Self.format(network.unshareNet))   (util-linux, for comparison)
          per check: __exec-tied /bin/true            \(Self.format(network.tiedCheck))
          per check: __exec-tied-netns /bin/true      \(Self.format(network.tiedCheckInNamespace))   namespace cost \(Self.format(network.tiedCheckInNamespace - network.tiedCheck)) ms
        per request, GET on a fresh connection through the proxy (median of \(requests), ms):
          published port 127.0.0.1:<published>       \(Self.format(published.median))  p99 \(Self.format(published.p99))
          service address web:8000                    \(Self.format(named.median))  p99 \(Self.format(named.p99))   ratio \(String(format: "%.2f", named.median / published.median))
        """)
    }

    private static func spawnMilliseconds(_ argv: [String], times: Int) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<times {
            let started = MonotonicClock.nanoseconds()
            var pid: pid_t = 0
            let cArguments = argv.map { strdup($0) } + [nil]
            defer { cArguments.forEach { free($0) } }
            guard posix_spawn(&pid, argv[0], nil, nil, cArguments, environ) == 0 else {
                throw ValidationError("cannot spawn \(argv[0])")
            }
            var status: CInt = 0
            waitpid(pid, &status, 0)
            guard status == 0 else { throw ValidationError("\(argv.joined(separator: " ")) failed (status \(status))") }
            samples.append(Double(MonotonicClock.nanoseconds() - started) / 1_000_000)
        }
        return samples.sorted()[samples.count / 2]
    }

    struct Latencies {
        var median: Double
        var p99: Double
        init(_ samples: [Double]) {
            let sorted = samples.sorted()
            median = sorted[sorted.count / 2]
            p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        }
    }

    /// One stack: `web` (slipway-bench-http-ok) published on a free port and
    /// reached by name; requests alternate between the two.
    private static func requestLatencies(binary: String, directory: String, requests: Int) async throws -> (Latencies, Latencies) {
        let port = ProxyLoopbackPort.free()
        let server = BringUpBenchCommand.instantServer()
        try """
        services:
          web:
            command: ["\(server)"]
            ports: ["127.0.0.1:\(port):8000"]
        """.write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        let common = ["-f", directory + "/compose.yaml", "--state-dir", directory + "/state"]
        defer { _ = try? SilentRun.status(binary, common + ["down"]) }
        guard try SilentRun.status(binary, common + ["up", "-d", "--wait", "--wait-timeout", "60"]) == 0 else {
            throw ValidationError("slipway up failed")
        }
        let hostsFile = try String(contentsOfFile: directory + "/state/hosts/web", encoding: .utf8)
        guard let line = hostsFile.split(separator: "\n").first(where: { $0.hasSuffix("\tweb") }),
              let address = line.split(separator: "\t").first.map(String.init)
        else { throw ValidationError("no address for web in the hosts file") }
        try waitUntilServed(port: port, host: "127.0.0.1")
        try waitUntilServed(port: 8000, host: address)
        var published: [Double] = []
        var named: [Double] = []
        for _ in 0..<requests {
            published.append(try OneShotGet.milliseconds(port: port))
            named.append(try OneShotGet.milliseconds(port: 8000, host: address))
        }
        return (Latencies(published), Latencies(named))
    }

    /// `up --wait` without a health check returns once web started, not once it listens.
    private static func waitUntilServed(port: Int, host: String) throws {
        let end = ContinuousClock.now + .seconds(10)
        while (try? OneShotGet.milliseconds(port: port, host: host)) == nil {
            guard ContinuousClock.now < end else { throw ValidationError("\(host):\(port) never answered") }
            usleep(20_000)
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
