import Glibc
import SlipwayProxy

/// What every service runner of one supervisor shares.
struct RunContext: Sendable {
    var shimExecutable: String
    var state: StateDirectory
    var records: ProcessRecordStore
    var events: AsyncStream<ServiceEvent>.Continuation
    var ports: PortAllocator
    var probes: ProbeLimiter
    /// Sees instances' private ports start listening, for their first probe.
    var listens = ListenWatch()
    var proxy: ReverseProxy
    var endpoints: ServiceEndpoints
    /// Each service's view of the others' names.
    var names = ServiceNames()
    /// Whether each instance's health checks get a network namespace of the instance's own.
    var ownNetworks = false
    /// Whether `listens` can see ports start listening (sock_diag works here).
    var listensSeen = false
    /// The supervisor's own environment, which services inherit (PATH, HOME, …).
    var baseEnvironment: [String: String]
    /// Told when a service starts a replacement instance, so dependents
    /// with `restart: true` follow.
    var instanceRestarted: @Sendable (String) -> Void
    /// Told on every change of a service's state or health, for `watch` streams.
    var statusChanged: @Sendable () -> Void
    /// The deployment log; nil records nothing.
    var journal: (any DeploymentJournal)?
    /// Only root can honour `user:`.
    var canSwitchUser: Bool = geteuid() == 0
}
