import Glibc
import NIOCore
import NIOPosix
import Synchronization

/// The supervisor's end of the control socket: accepts connections, reads
/// one request from each, answers it through a `ControlRequestHandler`.
///
/// Bind it before starting any service: holding the project's lock is what
/// makes a second `up` of a running project fail instead of starting a copy.
public final class ControlServer: Sendable {
    static let maximumRequestLength = 1 << 20

    public let endpoint: ControlEndpoint
    private let listener: NIOAsyncChannel<ControlChannel.Connection, Never>
    private let handler: any ControlRequestHandler
    private let lock: SupervisorLock
    private let closing = ShutdownSignal()
    private let served = ShutdownSignal()
    private let running = Mutex(false)

    private init(
        endpoint: ControlEndpoint, listener: NIOAsyncChannel<ControlChannel.Connection, Never>,
        handler: any ControlRequestHandler, lock: SupervisorLock
    ) {
        self.endpoint = endpoint
        self.listener = listener
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
        let listener: NIOAsyncChannel<ControlChannel.Connection, Never>
        do {
            listener = try await ServerBootstrap(group: group)
                .bind(unixDomainSocketPath: endpoint.socketPath) { channel in
                    ControlChannel.wrap(channel, maximumLineLength: maximumRequestLength)
                }
        } catch {
            throw .cannotBind(path: endpoint.socketPath, reason: "\(error)")
        }
        guard chmod(endpoint.socketPath, 0o600) == 0 else {
            try? await listener.channel.close()
            throw .cannotBind(path: endpoint.socketPath, reason: String(cString: strerror(errno)))
        }
        return ControlServer(endpoint: endpoint, listener: listener, handler: handler, lock: lock)
    }

    /// Shutdown waiters of connections still open; a test checks that
    /// connections which ended leave none behind.
    var connectionWaiterCount: Int {
        closing.waiterCount
    }

    /// Serves until `shutdown()`; returns once every connection is answered
    /// and the socket file is gone.
    public func run() async {
        running.withLock { $0 = true }
        await withDiscardingTaskGroup { group in
            try? await listener.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await ControlConnection(handler: self.handler, closing: self.closing).serve(connection) }
                }
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
        try? await listener.channel.close()
        if running.withLock({ $0 }) {
            for await _ in served.stream() {}
        } else {
            unlink(endpoint.socketPath)
        }
        lock.release()
    }
}
