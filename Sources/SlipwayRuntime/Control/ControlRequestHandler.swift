/// What the supervisor implements to answer the control socket. Methods run
/// concurrently, one task per connection. Throw `ControlFailure` for an
/// answer the user should read as is (`ControlFailure.noSuchService`).
public protocol ControlRequestHandler: Sendable {
    /// Every instance of the named services (all services when empty).
    func status(services: [String]) async throws -> StatusSnapshot
    /// Stops in reverse dependency order; `timeout` overrides `stop_grace_period`.
    func stop(services: [String], timeout: Duration?) async throws -> ActionReport
    func start(services: [String]) async throws -> ActionReport
    func restart(services: [String], timeout: Duration?) async throws -> ActionReport
    func kill(services: [String], signal: Int32) async throws -> ActionReport
    /// Stops everything and removes runtime state. The supervisor should exit
    /// only after `ControlServer.shutdown()` returns, so this answer reaches the client.
    func down(timeout: Duration?) async throws -> ActionReport
    /// The proxy's figures for the published ports of the named services (all when empty).
    func stats(services: [String]) async throws -> StatsSnapshot
    /// Events until the stream finishes; the server ends it early when the
    /// client disconnects or the server shuts down. The server sends the
    /// current `status` first, so yield a status event on every change after
    /// this call and the client never misses one.
    func watch(services: [String]) async throws -> AsyncStream<ControlEvent>
    /// SIGSTOP to the named services' process groups (all when empty).
    func pause(services: [String]) async throws -> ActionReport
    /// SIGCONT to the named paused services' process groups (all paused ones when empty).
    func unpause(services: [String]) async throws -> ActionReport
    /// Where each named service is reached (all when empty); a service without ports has none.
    func addresses(services: [String]) async throws -> [String: ServiceAddress]
    /// Changes (or, when the request changes nothing, reads) the fault the proxy injects into a
    /// service's traffic.
    func fault(_ request: FaultRequest) async throws -> FaultReport
    /// Re-reads the files and replaces what changed; calls `progress` for
    /// every step (the server streams them to the client) and answers once done.
    func deploy(_ request: DeployRequest, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport
    /// Returns a service to an earlier deployment through the deploy path; streams like `deploy`.
    func rollback(_ request: RollbackRequest, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport
    /// Switches to the deploy of `service` waiting in preview; streams like `deploy`.
    func promote(service: String, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport
    /// Discards the deploy of `service` waiting in preview; streams like `deploy`.
    func abort(service: String, progress: @escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport
}

extension ControlRequestHandler {
    /// A handler that cannot freeze processes refuses, as an older supervisor would.
    public func pause(services: [String]) async throws -> ActionReport {
        throw ControlFailure(kind: .invalidRequest, message: "this supervisor cannot pause services")
    }

    public func unpause(services: [String]) async throws -> ActionReport {
        throw ControlFailure(kind: .invalidRequest, message: "this supervisor cannot unpause services")
    }

    public func addresses(services: [String]) async throws -> [String: ServiceAddress] {
        throw ControlFailure(kind: .invalidRequest, message: "this supervisor cannot tell service addresses")
    }

    public func fault(_ request: FaultRequest) async throws -> FaultReport {
        throw ControlFailure(kind: .invalidRequest, message: "this supervisor cannot inject faults")
    }
}
