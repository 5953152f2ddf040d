import NIOCore
import NIOPosix
import SlipwayProxy

/// A proxy on its own event loops, torn down with everything it opened when the test body ends.
struct ProxyFixture {
    let group: MultiThreadedEventLoopGroup
    let proxy: ReverseProxy

    static func with<Result>(
        accessLog: AccessLogSink? = nil,
        _ body: (ProxyFixture) async throws -> Result
    ) async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let fixture = ProxyFixture(group: group, proxy: ReverseProxy(eventLoopGroup: group, accessLog: accessLog))
        do {
            let result = try await body(fixture)
            await fixture.proxy.shutdown()
            try await group.shutdownGracefully()
            return result
        } catch {
            await fixture.proxy.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
    }

    /// Opens a listener on a free loopback port, forwarding to `upstream`.
    func listen(
        _ mode: ProxyMode,
        service: String = "web",
        upstream: Upstream?,
        limits: ProxyLimits = ProxyLimits()
    ) async throws -> Listener {
        let key = ListenerKey(service: service, containerPort: 8000)
        let listener = try await proxy.addListener(
            ListenerConfig(key: key, port: 0, mode: mode, limits: limits)
        )
        try await proxy.setUpstream(upstream, for: key)
        return listener
    }
}

/// Polls `condition` until it holds or a generous deadline passes.
func eventually(
    timeout: Duration = .seconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
