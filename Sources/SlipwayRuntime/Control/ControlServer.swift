import Glibc
import NIOCore
import NIOPosix
import Synchronization

/// The supervisor's end of the control socket: accepts connections, reads
/// one request from each, answers it through a `ControlRequestHandler`.
///
/// Bind it before starting any service: holding the project's lock is what
/// makes a second `up` of a running project fail instead of starting a copy.
///
/// Accepted connections reach `run()` through a stream of its own rather
/// than NIO's async server channel: NIO traps on a connection wrapped for
/// async use that nobody closes, and its server channel drops the one
/// accepted as the listener closes. Here such a connection is closed where
/// it is handed over (`hand(_:to:)`), and `run()` serves every one buffered.
public final class ControlServer: Sendable {
    static let maximumRequestLength = 1 << 20

    public let endpoint: ControlEndpoint
    private let listener: any Channel
    private let connections: AsyncStream<ControlChannel.Connection>
    private let handler: any ControlRequestHandler
    private let lock: SupervisorLock
    private let closing = ShutdownSignal()
    private let served = ShutdownSignal()
    /// Whether `run()`, or a `shutdown()` before it, took `connections`: a
    /// stream has one reader, and whoever takes it closes what it holds.
    private let taken = Mutex(false)

    private init(
        endpoint: ControlEndpoint, listener: any Channel, connections: AsyncStream<ControlChannel.Connection>,
        handler: any ControlRequestHandler, lock: SupervisorLock
    ) {
        self.endpoint = endpoint
        self.listener = listener
        self.connections = connections
        self.handler = handler
        self.lock = lock
    }

    /// Takes the project's lock (or fails with `alreadyRunning`), replaces a
    /// socket file a crashed supervisor left, and listens with mode 0600 in
    /// the state directory, which it creates with mode 0700.
    public static func bind(
        endpoint: ControlEndpoint, handler: any ControlRequestHandler,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(ControlServerError) -> ControlServer {
        guard endpoint.socketPathFits else { throw .socketPathTooLong(endpoint.socketPath) }
        do {
            try endpoint.stateDirectory.prepare()
        } catch {
            throw .cannotBind(path: endpoint.socketPath, reason: error.description)
        }
        guard let lock = try SupervisorLock(path: endpoint.lockPath) else { throw .alreadyRunning(endpoint) }
        // Holding the lock proves any socket file here belongs to a dead supervisor.
        unlink(endpoint.socketPath)
        let (connections, continuation) = AsyncStream<ControlChannel.Connection>.makeStream()
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: group)
                .childChannelInitializer { channel in
                    ControlChannel.wrap(channel, maximumLineLength: maximumRequestLength).map { Self.hand($0, to: continuation) }
                }
                .bind(unixDomainSocketPath: endpoint.socketPath).get()
        } catch {
            continuation.finish()
            throw .cannotBind(path: endpoint.socketPath, reason: "\(error)")
        }
        listener.closeFuture.whenComplete { _ in continuation.finish() }
        guard chmod(endpoint.socketPath, 0o600) == 0 else {
            try? await listener.close()
            await closeAll(connections)
            throw .cannotBind(path: endpoint.socketPath, reason: String(cString: strerror(errno)))
        }
        return ControlServer(endpoint: endpoint, listener: listener, connections: connections, handler: handler, lock: lock)
    }

    /// Queues an accepted connection for `run()`, or closes it when the
    /// listener is closed and nothing will serve it.
    private static func hand(
        _ connection: ControlChannel.Connection, to continuation: AsyncStream<ControlChannel.Connection>.Continuation
    ) {
        guard case .terminated = continuation.yield(connection) else { return }
        Task { await discard(connection) }
    }

    /// Closes the connections a closed listener accepted that nobody will serve.
    private static func closeAll(_ connections: AsyncStream<ControlChannel.Connection>) async {
        for await connection in connections { await discard(connection) }
    }

    /// Closes a connection unserved, the one way NIO accepts to end one wrapped for async use.
    private static func discard(_ connection: ControlChannel.Connection) async {
        try? await connection.executeThenClose { _, _ in }
    }

    /// True for the first caller only.
    private func take() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }

    /// Shutdown waiters of connections still open; a test checks that
    /// connections which ended leave none behind.
    var connectionWaiterCount: Int {
        closing.waiterCount
    }

    /// Serves until `shutdown()`; returns once every connection is answered
    /// and the socket file is gone. Serves once: a call after another, or
    /// after `shutdown()`, returns at once.
    public func run() async {
        guard take() else { return }
        await withDiscardingTaskGroup { group in
            // Ends once the listener is closed and every connection it accepted is taken.
            for await connection in connections {
                group.addTask { await ControlConnection(handler: self.handler, closing: self.closing).serve(connection) }
            }
        }
        unlink(endpoint.socketPath)
        served.fire()
    }

    /// Stops accepting, ends `watch` streams, waits for `run()` to finish
    /// answering the connections it has (so a `down` reply reaches its
    /// client), then releases the project for the next supervisor.
    public func shutdown() async {
        closing.fire()
        try? await listener.close()
        if take() {
            await Self.closeAll(connections)
            unlink(endpoint.socketPath)
            served.fire()
        } else {
            for await _ in served.stream() {}
        }
        lock.release()
    }
}
