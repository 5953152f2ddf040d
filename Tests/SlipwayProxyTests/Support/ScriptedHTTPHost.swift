import NIOCore
@testable import SlipwayProxy

/// An `HTTPConnection`'s loop, played by a script: system calls from `ScriptedIO`, a settable
/// route and clock, connections to the instance numbered from fd 100, and every effect recorded.
struct ScriptedHTTPHost: HTTPConnectionHost {
    var io = ScriptedIO()
    var now: UInt64 = 1_000_000_000
    var serviceName = "api"
    var logsAccess = true
    var routed: Upstream? = Upstream(instance: "blue", port: 8080)
    /// The listener's fallback; its traffic is counted in `traffic[1]`.
    var fallback: Upstream?
    var fellBack = 0
    /// Whether the next connects fail at once.
    var refuseConnects = false
    /// Instances whose connects fail at once.
    var refusing: Set<InstanceID> = []
    var pool: [UpstreamLink] = []
    var nextFD: Int32 = 100
    var opened: [Int32] = []
    var parked: [Int32] = []
    var closed: [Int32] = []
    var traffic = [InstanceStats(instance: "blue"), InstanceStats(instance: "fallback")]
    var noUpstream = 0
    var refusals: [RequestRefusalKind] = []
    var logged: [AccessLogEntry] = []
    var quickAcks: [Int32] = []
    var exchangesEnded = 0
    var faultLatency: UInt64 = 0
    /// Whether the injected error rate fails every request.
    var failsEveryRequest = false

    mutating func injectsError() -> Bool { failsEveryRequest }

    func route() -> HTTPRoute? {
        routed.map { HTTPRoute(upstream: $0, address: nil, traffic: 0) }
    }

    func fallbackRoute(after failed: InstanceID) -> HTTPRoute? {
        if let fallback, fallback.instance != failed { return HTTPRoute(upstream: fallback, address: nil, traffic: 1) }
        if let routed, routed.instance != failed { return HTTPRoute(upstream: routed, address: nil, traffic: 0) }
        return nil
    }

    mutating func takePooledLink(for route: HTTPRoute) -> UpstreamLink? {
        pool.popLast()
    }

    mutating func connect(to route: HTTPRoute) -> UpstreamLink? {
        guard !refuseConnects, !refusing.contains(route.upstream.instance) else { return nil }
        let fd = nextFD
        nextFD += 1
        opened.append(fd)
        return UpstreamLink(index: Int(fd), endpoint: RelayEndpoint(fd: fd), connecting: true)
    }

    mutating func release(_ link: UpstreamLink, parkingFor upstream: Upstream?) {
        if upstream != nil && upstream == routed {
            parked.append(link.endpoint.fd)
            pool.append(link)
        } else {
            closed.append(link.endpoint.fd)
        }
    }

    mutating func updateTraffic(_ index: Int, _ body: (inout InstanceStats) -> Void) {
        body(&traffic[index])
    }

    mutating func countNoUpstream() { noUpstream += 1 }
    mutating func countFallback() { fellBack += 1 }
    mutating func countRefusal(_ kind: RequestRefusalKind) { refusals.append(kind) }
    mutating func exchangeEnded() { exchangesEnded += 1 }
    mutating func log(_ entry: AccessLogEntry) { logged.append(entry) }
    mutating func quickAck(_ fd: Int32) { quickAcks.append(fd) }

    mutating func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult { io.read(fd, into: buffer) }
    mutating func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) -> IOResult { io.write(fd, from: buffer) }
    mutating func shutdownOutput(_ fd: Int32) { io.shutdownOutput(fd) }
    mutating func splice(from source: Int32, to sink: Int32, count: Int) -> IOResult { io.splice(from: source, to: sink, count: count) }
    mutating func connectError(_ fd: Int32) -> Int32 { io.connectError(fd) }

    /// Queues bytes (or an end, or a failure) for the next reads of `fd`.
    mutating func arrive(_ fd: Int32, _ reads: ScriptedIO.Read...) {
        io.reads[fd, default: []].append(contentsOf: reads)
    }

    /// Everything written to `fd` so far, taken.
    mutating func take(_ fd: Int32) -> String {
        defer { io.written[fd] = nil }
        return io.written[fd] ?? ""
    }
}

/// A client connection on fd 1 from 127.0.0.1, with its host and the loop's scratch buffer.
struct HTTPConnectionBench {
    static let client: Int32 = 1
    var connection: HTTPConnection
    var host = ScriptedHTTPHost()
    var scratch = ByteBuffer()

    init(limits: ProxyLimits = ProxyLimits()) {
        connection = HTTPConnection(clientFD: Self.client, clientAddress: "127.0.0.1", limits: limits, now: host.now)
    }

    mutating func client(_ readiness: Readiness) {
        connection.handle(readiness, on: .client, scratch: &scratch, host: &host)
    }

    mutating func upstream(_ fd: Int32, _ readiness: Readiness) {
        connection.handle(readiness, on: .upstream(Int(fd)), scratch: &scratch, host: &host)
    }

    mutating func advance(by nanoseconds: UInt64) {
        host.now += nanoseconds
        if connection.nextDeadline <= host.now {
            connection.deadlinesPassed(scratch: &scratch, host: &host)
        }
    }
}

/// The request and answer most connection tests exchange, and the first two descriptors the
/// scripted host gives connections to the instance.
enum ScriptedExchange {
    static let fresh: Int32 = 100
    static let second: Int32 = 101
    static let get = "GET /a HTTP/1.1\r\nHost: shop\r\n\r\n"
    static let forwardedGet =
        "GET /a HTTP/1.1\r\nHost: shop\r\nx-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: shop\r\n\r\n"
    static let ok = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi"
}
