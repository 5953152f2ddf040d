import ArgumentParser
import Dispatch
import NIOPosix
import SlipwayProxy
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `slipway proxy`: Slipway's reverse proxy on its own, forwarding one port to another.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Forward one address to another through Slipway's proxy (TCP, or HTTP/1.1 with --http).",
        discussion: "Runs until interrupted. Port 0 in --listen picks a free port; the chosen address is printed."
    )

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host:port"))
    var listen: HostAndPort

    @Option(help: ArgumentHelp("Address to forward to.", valueName: "host:port"))
    var upstream: HostAndPort

    @Flag(help: "Route HTTP/1.1 requests one by one (keep-alive pool, X-Forwarded headers, 502/504) instead of raw TCP.")
    var http = false

    @Option(help: ArgumentHelp("Append one JSON line per HTTP request to this file.", valueName: "file"))
    var accessLog: String?

    @Option(help: "Client connections open at once before new ones are refused.")
    var maxConnections = ProxyLimits().maxConnections

    @Option(help: "Event loop threads.")
    var threads = 1

    func run() async throws {
        let sink = try accessLog.map { try AccessLogSink(path: $0) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let proxy = ReverseProxy(eventLoopGroup: group, accessLog: sink)
        let key = ListenerKey(service: "proxy", containerPort: upstream.port)
        do {
            let listener = try await proxy.addListener(ListenerConfig(
                key: key,
                host: listen.host,
                port: listen.port,
                mode: http ? .http : .tcp,
                serviceName: "\(upstream)",
                limits: ProxyLimits(maxConnections: maxConnections)
            ))
            try await proxy.setUpstream(Upstream(instance: "\(upstream)", host: upstream.host, port: upstream.port), for: key)
            // Written unbuffered: a parent reading the pipe learns the port at once.
            let line = "slipway proxy: \(listener.mode.rawValue) \(listen.host):\(listener.boundPort) -> \(upstream)\n"
            _ = line.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            await TerminationSignal.wait()
        } catch {
            await proxy.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await proxy.shutdown()
        try await group.shutdownGracefully()
    }
}

/// A `host:port` argument; `[v6]:port` for IPv6.
struct HostAndPort: ExpressibleByArgument, CustomStringConvertible, Sendable {
    var host: String
    var port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Suspends until SIGINT or SIGTERM, so the proxy can flush its access log before exiting.
private enum TerminationSignal {
    static func wait() async {
        let queue = DispatchQueue(label: "slipway.proxy.signals")
        var sources: [any DispatchSourceSignal] = []
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { once.resume() }
                source.resume()
                sources.append(source)
            }
        }
        for source in sources { source.cancel() }
    }
}

/// Resumes a continuation at most once, however many signals arrive.
private final class ResumeOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Void, Never>?>

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume() {
        let pending = continuation.withLock { pending in
            defer { pending = nil }
            return pending
        }
        pending?.resume()
    }
}
