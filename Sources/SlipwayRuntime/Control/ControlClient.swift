import Glibc
import NIOCore
import NIOPosix

/// The CLI's end of the control socket: one connection per request.
public struct ControlClient: Sendable {
    static let maximumReplyLength = 64 << 20

    public let endpoint: ControlEndpoint
    private let group: any EventLoopGroup

    public init(endpoint: ControlEndpoint, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.endpoint = endpoint
        self.group = group
    }

    public func status(services: [String] = []) async throws(ControlClientError) -> StatusSnapshot {
        let reply = try await send(.status(services: services))
        guard case .status(let snapshot) = reply else { throw .unreadableReply("expected a status, got \(reply)") }
        return snapshot
    }

    /// The proxy's figures for the services' published ports (all services when empty).
    public func stats(services: [String] = []) async throws(ControlClientError) -> StatsSnapshot {
        let reply = try await send(.stats(services: services))
        guard case .stats(let snapshot) = reply else { throw .unreadableReply("expected stats, got \(reply)") }
        return snapshot
    }

    /// The stable addresses of the named services (all when empty).
    public func addresses(services: [String] = []) async throws(ControlClientError) -> [String: ServiceAddress] {
        let reply = try await send(.addresses(services: services))
        guard case .addresses(let addresses) = reply else { throw .unreadableReply("expected addresses, got \(reply)") }
        return addresses
    }

    /// Changes (or reads) the proxy's injected fault for a service.
    public func fault(_ request: FaultRequest) async throws(ControlClientError) -> FaultReport {
        let reply = try await send(.fault(request))
        guard case .fault(let report) = reply else { throw .unreadableReply("expected a fault report, got \(reply)") }
        return report
    }

    /// Sends `stop`, `start`, `restart`, `kill` or `down` and returns what was done.
    public func perform(_ request: ControlRequest) async throws(ControlClientError) -> ActionReport {
        let reply = try await send(request)
        guard case .report(let report) = reply else { throw .unreadableReply("expected a report, got \(reply)") }
        return report
    }

    /// Sends a deploy; calls `progress` with each step as it happens, returns the report.
    public func deploy(
        _ request: DeployRequest, progress: (DeployProgress) -> Void
    ) async throws(ControlClientError) -> DeployReport {
        try await streamDeploy(.deploy(request), progress: progress)
    }

    /// Sends a rollback; reports like `deploy`.
    public func rollback(
        _ request: RollbackRequest, progress: (DeployProgress) -> Void
    ) async throws(ControlClientError) -> DeployReport {
        try await streamDeploy(.rollback(request), progress: progress)
    }

    /// Switches to the deploy waiting in preview; reports like `deploy`.
    public func promote(_ service: String, progress: (DeployProgress) -> Void) async throws(ControlClientError) -> DeployReport {
        try await streamDeploy(.promote(service: service), progress: progress)
    }

    /// Discards the deploy waiting in preview; reports like `deploy`.
    public func abort(_ service: String, progress: (DeployProgress) -> Void) async throws(ControlClientError) -> DeployReport {
        try await streamDeploy(.abort(service: service), progress: progress)
    }

    private func streamDeploy(
        _ request: ControlRequest, progress: (DeployProgress) -> Void
    ) async throws(ControlClientError) -> DeployReport {
        var report: DeployReport?
        try await exchange(request) { reply throws(ControlClientError) in
            switch reply {
            case .event(.deploy(let step)):
                progress(step)
                return true
            case .deployed(let answer):
                report = answer
                return false
            case .failure(let failure): throw .refused(failure)
            default: throw .unreadableReply("expected deploy progress, got \(reply)")
            }
        }
        guard let report else { throw .connectionLost(endpoint) }
        return report
    }

    /// Whether a supervisor answers on the socket right now.
    public func supervisorIsRunning() async -> Bool {
        do {
            _ = try await status()
            return true
        } catch {
            return false
        }
    }

    /// Calls `receive` with each event until it returns false, the supervisor
    /// ends the stream, or the connection drops.
    public func watch(
        services: [String] = [], _ receive: (ControlEvent) async -> Bool
    ) async throws(ControlClientError) {
        try await exchange(.watch(services: services)) { reply throws(ControlClientError) in
            switch reply {
            case .event(let event): return await receive(event)
            case .end: return false
            case .failure(let failure): throw .refused(failure)
            default: throw .unreadableReply("expected an event, got \(reply)")
            }
        }
    }

    /// Sends one request and returns the first reply, a failure thrown as `refused`.
    public func send(_ request: ControlRequest) async throws(ControlClientError) -> ControlReply {
        var answer: ControlReply?
        try await exchange(request) { reply throws(ControlClientError) in
            if case .failure(let failure) = reply { throw .refused(failure) }
            answer = reply
            return false
        }
        guard let answer else { throw .connectionLost(endpoint) }
        return answer
    }

    /// Writes the request, then hands each reply line to `receive` while it returns true.
    private func exchange(
        _ request: ControlRequest, _ receive: (ControlReply) async throws(ControlClientError) -> Bool
    ) async throws(ControlClientError) {
        let connection = try await connect()
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: try ControlCoding.line(request)))
                for try await line in inbound {
                    let reply: ControlReply
                    do {
                        reply = try ControlCoding.decode(ControlReply.self, from: line.readableBytesView)
                    } catch {
                        throw ControlClientError.unreadableReply("\(error)")
                    }
                    guard try await receive(reply) else { return }
                }
                throw ControlClientError.connectionLost(endpoint)
            }
        } catch let error as ControlClientError {
            throw error
        } catch {
            throw .connectionLost(endpoint)
        }
    }

    private func connect() async throws(ControlClientError) -> ControlChannel.Connection {
        guard endpoint.socketPathFits else { throw .socketPathTooLong(endpoint.socketPath) }
        do {
            return try await ClientBootstrap(group: group)
                .connect(unixDomainSocketPath: endpoint.socketPath) { channel in
                    ControlChannel.wrap(channel, maximumLineLength: Self.maximumReplyLength)
                }
        } catch let error as IOError where [ENOENT, ECONNREFUSED, ENOTDIR].contains(error.errnoCode) {
            throw .noSupervisor(endpoint)
        } catch {
            throw .cannotConnect(path: endpoint.socketPath, reason: "\(error)")
        }
    }
}
