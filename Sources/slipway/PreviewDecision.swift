import ArgumentParser
import SlipwayRuntime

/// `promote` and `abort` of a service with nothing in preview.
enum PreviewDecision {
    struct NothingInPreview: SlipwayFailure {
        var message: String
        var exitCode: ExitCode { ExitCode(1) }
    }

    static func check(_ report: DeployReport, service: String) throws(NothingInPreview) {
        if let entry = report.entries.first, entry.outcome == .failed, entry.deploymentID == nil {
            throw NothingInPreview(message: entry.reason)
        }
    }
}
