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
    var proxy: ReverseProxy
    var endpoints: ServiceEndpoints
    /// The supervisor's own environment, which services inherit (PATH, HOME, …).
    var baseEnvironment: [String: String]
    /// Only root can honour `user:`.
    var canSwitchUser: Bool = geteuid() == 0
}
