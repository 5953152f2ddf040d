/// Where a request goes: the instance, its resolved address, and its entry in the listener's
/// per-instance counters.
struct HTTPRoute {
    let upstream: Upstream
    let address: SocketAddressBytes?
    let traffic: Int
}
