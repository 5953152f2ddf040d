/// A loop's place for one connection to an instance in HTTP mode: serving one client connection
/// (`owner`, an `HTTPSlot` index) or idle in a listener shard's pool (`pooledIn`).
///
/// Owns `fd` while it is not -1: `ProxyLoop.closeLink(_:)` closes it and bumps `generation`. An
/// `UpstreamLink` held by the owner borrows the descriptor.
struct UpstreamLinkSlot {
    var generation: UInt32 = 0
    var fd: Int32 = -1
    var owner: Int?
    var pooledIn: Int?
    /// The socket's remembered readiness while pooled; the owner keeps its own copy while serving.
    var endpoint = RelayEndpoint(fd: -1)
}
