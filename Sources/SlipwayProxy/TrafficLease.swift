/// One connection's share of an instance's `active` count, given back exactly once.
///
/// The proxy gives it back before it closes the client, so that anyone who sees the close and
/// then reads the stats finds the connection already gone; the client's close future gives it
/// back on the paths that close the connection some other way.
final class TrafficLease {
    private var traffic: InstanceTraffic?
    private let onEnd: () -> Void

    /// Takes over a share the caller already counted (an HTTP exchange turning into a tunnel);
    /// `onEnd` runs just before it is given back.
    init(continuing traffic: InstanceTraffic, onEnd: @escaping () -> Void) {
        self.traffic = traffic
        self.onEnd = onEnd
    }

    func end() {
        guard let traffic else { return }
        self.traffic = nil
        onEnd()
        traffic.end()
    }
}
