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
    var results: [ProxyBenchTarget: [ProxyBenchMeasurement]]
    var memory: Memory?
    var idleConnections: Int

    var text: String {
        var lines = ["proxy benchmark: \(command)", "load: \(wrkCommand), medians over the rounds", ""]
        lines += table + [""] + ratios + memoryLines + problemLines
        return lines.joined(separator: "\n")
    }

    private var table: [String] {
        let header = pad("target", 18) + pad("req/s", 12, right: true) + pad("p99", 12, right: true)
            + pad("user/req", 13, right: true) + pad("sys/req", 13, right: true) + pad("cpu/req", 13, right: true)
        return [header] + ProxyBenchTarget.allCases.map { target in
            pad(target.rawValue, 18) + pad(String(format: "%.0f", median(target, \.wrk.requestsPerSecond)), 12, right: true)
                + pad(String(format: "%.2f ms", median(target, \.wrk.p99Microseconds) / 1000), 12, right: true)
                + pad(microseconds(median(target, \.userMicrosecondsPerRequest)), 13, right: true)
                + pad(microseconds(median(target, \.systemMicrosecondsPerRequest)), 13, right: true)
                + pad(microseconds(median(target, \.totalMicrosecondsPerRequest)), 13, right: true)
        }
    }

    private var ratios: [String] {
        [
            ratio("slipway http / nginx http", .slipwayHTTP, .nginx),
            ratio("slipway http / haproxy http", .slipwayHTTP, .haproxyHTTP),
            ratio("slipway tcp / haproxy tcp", .slipwayTCP, .haproxyTCP),
            cpuRatio("slipway http / nginx http CPU per request", .slipwayHTTP, .nginx),
            cpuRatio("slipway tcp / haproxy tcp CPU per request", .slipwayTCP, .haproxyTCP),
        ]
    }

    private var memoryLines: [String] {
        guard let memory else { return [] }
        let megabytes = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return [
            "",
            "slipway http RSS: \(megabytes(memory.idleBytes)) idle, \(megabytes(memory.loadedBytes)) with "
                + "\(idleConnections) idle keep-alive connections (+\(megabytes(memory.loadedBytes - memory.idleBytes)))",
        ]
    }

    private var problemLines: [String] {
        let problems = results.flatMap { target, runs in runs.flatMap(\.wrk.problems).map { "\(target.rawValue): \($0)" } }
        return problems.isEmpty ? [] : ["", "wrk reported:"] + problems
    }

    private func ratio(_ label: String, _ ours: ProxyBenchTarget, _ theirs: ProxyBenchTarget) -> String {
        let requests = median(ours, \.wrk.requestsPerSecond) / median(theirs, \.wrk.requestsPerSecond)
        let p99 = median(ours, \.wrk.p99Microseconds) / median(theirs, \.wrk.p99Microseconds)
        return pad(label, 30) + String(format: "req/s %.2fx   p99 %.2fx", requests, p99)
    }

    private func cpuRatio(_ label: String, _ ours: ProxyBenchTarget, _ theirs: ProxyBenchTarget) -> String {
        let figures: [KeyPath<ProxyBenchMeasurement, Double>] =
            [\.userMicrosecondsPerRequest, \.systemMicrosecondsPerRequest, \.totalMicrosecondsPerRequest]
        let ratios = figures.map { median(ours, $0) / median(theirs, $0) }
        return pad(label, 44) + String(format: "user %.2fx   sys %.2fx   total %.2fx", ratios[0], ratios[1], ratios[2])
    }

    private func median(_ target: ProxyBenchTarget, _ figure: KeyPath<ProxyBenchMeasurement, Double>) -> Double {
        let sorted = results[target, default: []].map { $0[keyPath: figure] }.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    private func microseconds(_ value: Double) -> String {
        String(format: "%.1f", value) + " µs"
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
