import SlipwayRuntime

/// A drill's report for a terminal: the figures, each expectation, the timeline.
enum DrillReportText {
    static func lines(_ report: DrillReport) -> [String] {
        var lines = [
            "Drill        \(report.scenario) of \(report.service)\(report.id.map { " (drill \($0))" } ?? "")",
            "Result       \(report.passed ? "PASSED" : "FAILED")",
            "Requests     \(report.requestsSent) sent at \(report.requestsPerSecond)/s, \(report.requestsFailed) failed",
            "Detected     \(milliseconds(report.timeToDetectMs))",
            "Restored     \(milliseconds(report.timeToRestoreMs))",
            "Serving      \(report.activeDeployment.map { "deployment \($0)" } ?? "none")",
            "",
        ]
        lines += report.expectations.map { "\($0.passed ? "✔" : "✘") \($0.name): \($0.detail)" }
        lines.append("")
        lines += report.timeline.map { "+\(String($0.offsetMilliseconds).leftPadded(to: 7)) ms  \($0.event)" }
        return lines
    }

    /// `n ms` after the fault, or a dash when the scenario does not measure it.
    static func milliseconds(_ value: Int?) -> String {
        value.map { "\($0) ms after the fault" } ?? "-"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
