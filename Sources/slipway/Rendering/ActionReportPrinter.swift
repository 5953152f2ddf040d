import Glibc
import SlipwayRuntime

/// Prints what a `stop`/`start`/`restart`/`kill`/`down` did, one line per
/// instance on stderr as docker compose does (`✔ demo-web-1  Stopped`).
struct ActionReportPrinter {
    let terminal: TerminalOutput

    init(environment: [String: String]) {
        terminal = TerminalOutput(descriptor: 2, environment: environment)
    }

    /// Throws `ActionFailed` after printing when any instance failed.
    func print(_ report: ActionReport) throws(ActionFailed) {
        let width = report.entries.map(\.name.count).max() ?? 0
        for entry in report.entries {
            let name = entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
            if entry.outcome == .failed {
                let detail = entry.detail.isEmpty ? "" : ": \(entry.detail)"
                terminal.write(line: " " + TerminalStyle.red.apply("✘", enabled: terminal.colours) + " \(name)  Failed\(detail)")
            } else {
                terminal.write(line: " " + TerminalStyle.green.apply("✔", enabled: terminal.colours) + " \(name)  \(Self.verb(entry.outcome))")
            }
        }
        let failed = report.failed.count
        if failed > 0 { throw ActionFailed(count: failed) }
    }

    private static func verb(_ outcome: ActionOutcome) -> String {
        switch outcome {
        case .started: "Started"
        case .stopped: "Stopped"
        case .restarted: "Restarted"
        case .killed: "Killed"
        case .removed: "Removed"
        case .paused: "Paused"
        case .unpaused: "Unpaused"
        case .failed: "Failed"
        }
    }
}
