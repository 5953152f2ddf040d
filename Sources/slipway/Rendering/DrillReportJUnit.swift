import Foundation
import SlipwayRuntime

/// A drill's report as JUnit XML: one test suite per drill, one test case
/// per expectation, so a CI job that rehearses a rollback shows it as tests.
enum DrillReportJUnit {
    static func xml(_ report: DrillReport) -> String {
        let suite = "slipway drill \(report.scenario) \(report.service)"
        let seconds = String(format: "%.3f", report.finishedAt.timeIntervalSince(report.startedAt))
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="slipway drill" tests="\#(report.expectations.count)" failures="\#(report.failedExpectations.count)" time="\#(seconds)">"#,
            #"  <testsuite name="\#(escaped(suite))" tests="\#(report.expectations.count)" failures="\#(report.failedExpectations.count)" errors="0" time="\#(seconds)" timestamp="\#(ISO8601DateFormatter().string(from: report.startedAt))">"#,
            "    <properties>",
            property("RequestsSent", report.requestsSent),
            property("RequestsFailed", report.requestsFailed),
            property("TimeToDetectMs", report.timeToDetectMs.map(String.init) ?? ""),
            property("TimeToRestoreMs", report.timeToRestoreMs.map(String.init) ?? ""),
            property("ActiveDeployment", report.activeDeployment.map(String.init) ?? ""),
            "    </properties>",
        ]
        for expectation in report.expectations {
            let opening = #"    <testcase classname="\#(escaped(suite))" name="\#(escaped(expectation.name))""#
            if expectation.passed {
                lines.append(opening + ">")
                lines.append("      <system-out>\(escaped(expectation.detail))</system-out>")
                lines.append("    </testcase>")
            } else {
                lines.append(opening + ">")
                lines.append(#"      <failure message="\#(escaped(expectation.detail))" type="DrillExpectation">\#(escaped(expectation.detail))</failure>"#)
                lines.append("    </testcase>")
            }
        }
        let timeline = report.timeline.map { "+\($0.offsetMilliseconds) ms  \($0.event)" }.joined(separator: "\n")
        lines += ["    <system-out>\(escaped(timeline))</system-out>", "  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n")
    }

    private static func property(_ name: String, _ value: some CustomStringConvertible) -> String {
        #"      <property name="\#(name)" value="\#(escaped(value.description))"/>"#
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
