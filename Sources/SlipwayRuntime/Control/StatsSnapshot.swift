import Foundation
import SlipwayProxy

/// The proxy's figures for a project's published ports, answered to `stats`:
/// one entry per published port, each broken down by the instances it forwarded to.
public struct StatsSnapshot: Sendable, Codable, Equatable {
    public var project: String
    /// When the supervisor read the proxy's counters.
    public var takenAt: Date
    public var ports: [PortStats]

    public init(project: String, takenAt: Date = Date(), ports: [PortStats]) {
        self.project = project
        self.takenAt = takenAt
        self.ports = ports
    }

    /// The published ports among `published` that the proxy still serves, in the order given.
    init(project: String, proxy: ProxyStats, published: [PublishedListener]) {
        let listeners = Dictionary(proxy.listeners.map { ($0.key, $0) }) { first, _ in first }
        self.init(project: project, ports: published.compactMap { port in
            listeners[port.key].map { PortStats($0, service: port.service, publisher: port.publisher) }
        })
    }

    /// The snapshot as `stats --format json` prints it: the reply's own JSON
    /// (sorted keys, RFC 3339 dates), one line.
    public func json() throws -> String {
        String(decoding: try ControlCoding.line(self).dropLast(), as: UTF8.self)
    }
}
