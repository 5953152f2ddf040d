/// Median and p90 of a series of latencies, and the docker figure beside them.
struct ReadinessReport {
    var samples: [ReadinessProbeKind: [ReadinessSample]]
    var interval: Duration
    var runs: Int
    var startDelays: ClosedRange<Int>
    var listenDetection: Bool

    func render() -> String {
        var lines = [
            "readiness latency: server starts listening → Slipway reports it healthy",
            "\(runs) runs per probe, server starting \(startDelays.lowerBound)–\(startDelays.upperBound) ms after launch, interval \(format(interval)), "
                + (listenDetection ? "listen detection on" : "probe schedule alone (--schedule-only)"),
            "",
            pad("probe", 30) + pad("median", 12) + pad("p90", 12) + pad("max", 12),
        ]
        for kind in ReadinessProbeKind.allCases {
            let all = samples[kind] ?? []
            lines.append(row("slipway \(kind.rawValue)", all.map(\.latency)))
            lines.append(row("  minus the probe's run time", all.map { $0.latency - $0.probeTime }))
            for (label, range) in Self.startupBands {
                let band = all.filter { range.contains($0.startup) }.map(\.latency)
                lines.append(row("  listening \(label) (\(band.count))", band))
            }
        }
        let intervalMilliseconds = milliseconds(interval)
        lines.append(pad("docker compose (computed)", 30) + pad(ms(intervalMilliseconds / 2), 12)
            + pad(ms(intervalMilliseconds * 0.9), 12) + pad(ms(intervalMilliseconds), 12))
        lines.append("")
        lines.append("docker probes once per interval, so a server that starts listening at a random moment")
        lines.append("waits interval/2 on average and up to a whole interval (start_interval inside start_period);")
        lines.append("docker is not run here: its column is computed from the interval.")
        return lines.joined(separator: "\n")
    }

    /// Fast and slow starters, by how long after launch they listened.
    static let startupBands: [(String, Range<Double>)] = [
        ("< 250 ms", 0..<250), ("250–1000 ms", 250..<1000), (">= 1 s", 1000..<Double.infinity),
    ]

    private func row(_ label: String, _ values: [Double]) -> String {
        guard !values.isEmpty else { return pad(label, 30) + "-" }
        let sorted = values.sorted()
        return pad(label, 30) + pad(ms(percentile(sorted, 0.5)), 12) + pad(ms(percentile(sorted, 0.9)), 12)
            + pad(ms(sorted.last!), 12)
    }

    private func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = fraction * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private func ms(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.1f ms", value)
    }

    private func format(_ duration: Duration) -> String { ms(milliseconds(duration)) }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
