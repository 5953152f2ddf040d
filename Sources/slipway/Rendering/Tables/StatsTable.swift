import SlipwayRuntime

/// The `stats` table: one row per instance per published port, plus a row
/// without an instance for a port nothing was forwarded through yet, that
/// turned traffic away, or whose fallback carried some.
public enum StatsTable {
    static let headers = [
        "SERVICE", "PORT", "INSTANCE", "REQUESTS", "CONNECTIONS", "IN", "OUT", "P50", "P90", "P99", "ERRORS",
    ]

    /// The table's lines, header first, without trailing spaces.
    public static func lines(_ snapshot: StatsSnapshot) -> [String] {
        TextTable.lines(headers: headers, rows: snapshot.ports.flatMap(rows))
    }

    static func rows(_ port: PortStats) -> [[String]] {
        let portText = StatusTable.portText(port.publisher)
        var rows = port.instances.map { instance in
            [port.service, portText, instance.instance] + figures(instance, mode: port.mode)
        }
        if port.instances.isEmpty || port.noInstance > 0 || port.rejectedConnections > 0 || port.fellBack > 0
            || port.refusedRequests.values.contains(where: { $0 > 0 }) || port.fault != nil
        {
            rows.append([port.service, portText, "-"] + Array(repeating: "-", count: 7) + [portErrors(port)])
        }
        return rows
    }

    /// REQUESTS … ERRORS of one instance; latency only in HTTP mode, where it
    /// is a request's duration (in TCP mode it measures connecting).
    static func figures(_ instance: InstanceTrafficStats, mode: PortStats.Mode) -> [String] {
        let latency = instance.latency
        let quantiles = mode == .http
            ? [latency.p50Microseconds, latency.p90Microseconds, latency.p99Microseconds].map { $0.map(StatsCellText.duration) ?? "-" }
            : ["-", "-", "-"]
        return [
            mode == .http ? String(instance.requests) : "-",
            mode == .tcp ? String(instance.connections) : "-",
            StatsCellText.bytes(instance.bytesIn), StatsCellText.bytes(instance.bytesOut),
        ] + quantiles + [StatsCellText.counts(instance.errors)]
    }

    /// What a port turned away before any instance: `invalidHost=2,noInstance=3,rejected=1`, what
    /// its fallback carried for the routed instance (`fellBack=5`), and the fault injected into
    /// it: `injected=4 (fault: 200ms, 0.25)`.
    static func portErrors(_ port: PortStats) -> String {
        let portCounts = ["noInstance": port.noInstance, "rejected": port.rejectedConnections, "fellBack": port.fellBack]
        var counts = port.refusedRequests.merging(portCounts) { $1 }
        if let fault = port.fault { counts["injected"] = fault.injectedErrors }
        let text = StatsCellText.counts(counts)
        guard let fault = port.fault, fault.latencyMilliseconds > 0 || fault.errorRate > 0 else { return text }
        return "\(text) (fault: \(fault.latencyMilliseconds)ms, \(fault.errorRate))"
    }
}
