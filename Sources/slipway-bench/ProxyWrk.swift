import Foundation

/// One wrk run and what it reports.
struct ProxyWrk {
    struct Result {
        var requestsPerSecond: Double
        var p99Microseconds: Double
        /// Requests completed in the run, from wrk's "N requests in Xs" line.
        var requests: Int
        /// wrk's socket-error and non-2xx lines, when it printed any.
        var problems: [String]
    }

    var connections: Int
    var duration: Int

    /// The exact wrk invocation, for the report.
    func commandLine(url: String) -> String {
        "wrk -t1 -c\(connections) -d\(duration)s --latency \(url)"
    }

    func run(port: Int) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t1", "-c\(connections)", "-d\(duration)s", "--latency", "http://127.0.0.1:\(port)/"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let result = Self.parse(text) else { throw ProxyBenchError.wrkOutput(text) }
        return result
    }

    static func parse(_ output: String) -> Result? {
        var requestsPerSecond: Double?
        var p99: Double?
        var requests: Int?
        var problems: [String] = []
        for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), fields.count >= 2 {
                requestsPerSecond = Double(fields[1])
            } else if fields.count >= 3, fields[1] == "requests", fields[2] == "in" {
                requests = Int(fields[0])
            } else if line.hasPrefix("99%"), fields.count >= 2 {
                p99 = microseconds(String(fields[1]))
            } else if line.hasPrefix("Socket errors") || line.hasPrefix("Non-2xx") {
                problems.append(line)
            }
        }
        guard let requestsPerSecond, let p99, let requests else { return nil }
        return Result(requestsPerSecond: requestsPerSecond, p99Microseconds: p99, requests: requests, problems: problems)
    }

    /// wrk prints latencies as "812.00us", "1.23ms" or "2.01s".
    private static func microseconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 1.0), ("ms", 1_000.0), ("s", 1_000_000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
