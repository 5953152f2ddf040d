import ArgumentParser
import NIOPosix
import SlipwayProxy

/// The Slipway proxy as the benchmark runs it: a child process with one thread per mode,
/// like nginx's single worker and haproxy's `nbthread 1`.
struct ProxyBenchServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run one Slipway proxy listener for the benchmark (internal).",
        shouldDisplay: false
    )

    @Option var listenPort: Int
    @Option var upstreamPort: Int
    @Option var mode: String
    /// Listeners on further free ports, for counting the proxy's threads with many published ports.
    @Option var extraListeners = 0

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let proxy = ReverseProxy(eventLoopGroup: group, loopThreads: 1)
        let key = ListenerKey(service: "bench", containerPort: upstreamPort)
        _ = try await proxy.addListener(ListenerConfig(
            key: key,
            port: listenPort,
            mode: ProxyMode(rawValue: mode) ?? .tcp,
            limits: ProxyLimits(maxConnections: 19_000)
        ))
        try await proxy.setUpstream(Upstream(instance: "backend", port: upstreamPort), for: key)
        for index in 0..<extraListeners {
            let extra = ListenerKey(service: "bench-\(index)", containerPort: upstreamPort)
            _ = try await proxy.addListener(ListenerConfig(key: extra, port: 0, mode: ProxyMode(rawValue: mode) ?? .tcp))
            try await proxy.setUpstream(Upstream(instance: "backend", port: upstreamPort), for: extra)
        }
        // The benchmark ends this process with SIGTERM.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
