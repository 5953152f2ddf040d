import SlipwayRuntime

/// A drill's report as GitHub-flavoured Markdown, for a CI job summary
/// (`slipway drill … --format markdown >> "$GITHUB_STEP_SUMMARY"`).
enum DrillReportMarkdown {
    static func text(_ report: DrillReport) -> String {
        var lines = [
            "### \(report.passed ? "✅" : "❌") Drill `\(report.scenario)` of `\(report.service)`: \(report.passed ? "passed" : "failed")",
            "",
            "| Requests sent | Requests failed | Time to detect | Time to restore | Serving |",
            "| ---: | ---: | ---: | ---: | --- |",
            "| \(report.requestsSent) | \(report.requestsFailed) | \(milliseconds(report.timeToDetectMs)) | "
                + "\(milliseconds(report.timeToRestoreMs)) | \(report.activeDeployment.map { "deployment \($0)" } ?? "none") |",
            "",
            "| | Expectation | Detail |",
            "| --- | --- | --- |",
        ]
        lines += report.expectations.map { "| \($0.passed ? "✅" : "❌") | \(cell($0.name)) | \(cell($0.detail)) |" }
        lines += ["", "<details><summary>Timeline</summary>", "", "| ms | Event |", "| ---: | --- |"]
        lines += report.timeline.map { "| \($0.offsetMilliseconds) | \(cell($0.event)) |" }
        lines += ["", "</details>"]
        return lines.joined(separator: "\n")
    }

    private static func milliseconds(_ value: Int?) -> String {
        value.map { "\($0) ms" } ?? "–"
    }

    /// A table cell: a pipe would end it, a newline the row.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
