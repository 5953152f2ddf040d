import Glibc
import SlipwayProxy
import SlipwayShim

/// One instance's own network namespace (docs/health-checks.md): the holder
/// that keeps it, and the proxy listeners made inside it, which its health
/// checks reach as `localhost:<container port>` and as the project's
/// service addresses. The instance itself stays in the host's namespace.
///
/// A socket that routes to the instance listens only once the instance's
/// own port does (`portListens`): a relay that accepted before would pass a
/// connect-only check (`nc -z localhost 6379`) while nothing serves. Until
/// then a connect is refused, as in a container whose server has not bound yet.
actor InstanceNetworkNamespace {
    nonisolated let holder: NamespaceHolder
    private let instance: InstanceID
    private let proxy: ReverseProxy
    private var keys: [ListenerKey] = []
    /// Bound sockets waiting for the instance's port they route to (the upstream's port).
    private var waiting: [Int: [(route: NamespaceRoute, descriptor: CInt)]] = [:]
    /// The serving of the sockets that waited for each port, begun or done.
    private var serving: [Int: Task<Void, Never>] = [:]
    private var closed = false
    /// `ADDRESS:PORT: reason` for each route that could not be served.
    private(set) var failures: [String] = []

    private init(holder: NamespaceHolder, instance: InstanceID, proxy: ReverseProxy, failures: [String]) {
        self.holder = holder
        self.instance = instance
        self.proxy = proxy
        self.failures = failures
    }

    /// The instance's ports some route waits for.
    var awaitedPorts: [Int] { waiting.keys.sorted() }

    /// Starts the holder and serves what does not route to the instance at
    /// once; the instance's routes wait for `portListens`, or are served at
    /// once too when `waitForInstance` is false (nothing can tell when the
    /// instance listens). A route that cannot be served is a failure line,
    /// not an error: the others still work.
    static func open(
        _ routes: [NamespaceRoute], instance: InstanceID, shimExecutable: String, environment: [String],
        proxy: ReverseProxy, waitForInstance: Bool
    ) async -> Result<InstanceNetworkNamespace, NamespaceHolderFailure> {
        let endpoints = routes.map(\.endpoint)
        let started: NamespaceHolder.Started
        switch await DedicatedThread.run({
            NamespaceHolder.start(shimExecutable: shimExecutable, endpoints: endpoints, environment: environment)
        }) {
        case let .success(value): started = value
        case let .failure(failure): return .failure(failure)
        }
        let network = InstanceNetworkNamespace(holder: started.holder, instance: instance, proxy: proxy, failures: started.failures)
        await network.take(started.listeners, routes: routes, waitForInstance: waitForInstance)
        return .success(network)
    }

    private func take(_ bound: [(endpoint: String, descriptor: CInt)], routes: [NamespaceRoute], waitForInstance: Bool) async {
        for (endpoint, descriptor) in bound {
            guard let route = routes.first(where: { $0.endpoint == endpoint }) else {
                Glibc.close(descriptor)
                continue
            }
            if waitForInstance && route.upstream.instance == instance {
                waiting[route.upstream.port, default: []].append((route, descriptor))
            } else {
                await serve(route, descriptor)
            }
        }
    }

    /// The instance listens on `port`: the sockets routed to it start
    /// listening. Returns once they are served, also to a caller that comes
    /// while another's call serves them, so a probe that waits on it never
    /// connects before the socket listens and has its upstream.
    func portListens(_ port: Int) async {
        if let serving = serving[port] { return await serving.value }
        guard !closed, let ready = waiting.removeValue(forKey: port) else { return }
        let task = Task { for (route, descriptor) in ready { await serve(route, descriptor) } }
        serving[port] = task
        await task.value
    }

    private func serve(_ route: NamespaceRoute, _ descriptor: CInt) async {
        guard listen(descriptor, SOMAXCONN) == 0 else {
            failures.append("\(route.endpoint): \(LinuxNamespaceCalls.lastError())")
            Glibc.close(descriptor)
            return
        }
        let key = ListenerKey(service: "\(instance)#netns@\(route.address)", containerPort: route.port)
        do {
            _ = try await proxy.addListener(
                ListenerConfig(key: key, host: route.address, port: route.port, serviceName: instance), adopting: descriptor)
            try await proxy.setUpstream(route.upstream, for: key)
            keys.append(key)
        } catch {
            await proxy.removeListener(key)
            failures.append("\(route.endpoint): \(error)")
        }
    }

    /// Closes the listeners and the sockets still waiting, then ends the holder.
    func close() async {
        guard !closed else { return }
        closed = true
        for sockets in waiting.values { sockets.forEach { Glibc.close($0.descriptor) } }
        waiting = [:]
        for key in keys { await proxy.removeListener(key) }
        keys = []
        let holder = self.holder
        await DedicatedThread.run { holder.end() }
    }
}
