/// One connection to an instance as an `HTTPConnection` holds it while it serves an exchange.
///
/// Its descriptor is owned by the loop's `UpstreamLinkSlot` number `index`: the connection only
/// uses it, and hands the link back (`HTTPConnectionHost.release`) to be pooled or closed.
struct UpstreamLink {
    let index: Int
    var endpoint: RelayEndpoint
    /// The non-blocking connect has not reported its outcome yet.
    var connecting: Bool
}
