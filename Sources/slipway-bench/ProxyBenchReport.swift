import Foundation

/// The proxy benchmark's printed result: medians over the rounds, Slipway's ratios to its peers,
/// and its memory with idle keep-alive connections.
struct ProxyBenchReport {
    struct Memory {
        var idleBytes: Int
        var loadedBytes: Int
    }

    var command: String
    var wrkCommand: String
    var results: [ProxyBenchTarget: [ProxyWrk.Result]]
    var memory: Memory?
    var idleConnections: Int

    var text: String {
        var lines = ["proxy benchmark: \(command)", "load: \(wrkCommand), medians over the rounds", ""]
        lines.append(pad("target", 18) + pad("req/s", 12, right: true) + pad("p99", 12, right: true))
        for target in ProxyBenchTarget.allCases {
            lines.append(
                pad(target.rawValue, 18) + pad(String(format: "%.0f", requests(target)), 12, right: true)
                    + pad(String(format: "%.2f ms", p99(target) / 1000), 12, right: true)
            )
        }
        lines.append("")
        lines.append(ratio("slipway http / nginx http", .slipwayHTTP, .nginx))
        lines.append(ratio("slipway http / haproxy http", .slipwayHTTP, .haproxyHTTP))
        lines.append(ratio("slipway tcp / haproxy tcp", .slipwayTCP, .haproxyTCP))
        if let memory {
            let megabytes = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1_048_576) }
            lines.append("")
            lines.append(
                "slipway http RSS: \(megabytes(memory.idleBytes)) idle, \(megabytes(memory.loadedBytes)) with "
                    + "\(idleConnections) idle keep-alive connections (+\(megabytes(memory.loadedBytes - memory.idleBytes)))"
            )
        }
        let problems = results.flatMap { target, runs in runs.flatMap(\.problems).map { "\(target.rawValue): \($0)" } }
        if !problems.isEmpty { lines += ["", "wrk reported:"] + problems }
        return lines.joined(separator: "\n")
    }

    private func ratio(_ label: String, _ ours: ProxyBenchTarget, _ theirs: ProxyBenchTarget) -> String {
        pad(label, 30)
            + String(format: "req/s %.2fx   p99 %.2fx", requests(ours) / requests(theirs), p99(ours) / p99(theirs))
    }

    private func requests(_ target: ProxyBenchTarget) -> Double {
        median(results[target, default: []].map(\.requestsPerSecond))
    }

    private func p99(_ target: ProxyBenchTarget) -> Double {
        median(results[target, default: []].map(\.p99Microseconds))
    }

    private func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
