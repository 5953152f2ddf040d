import ArgumentParser
import SlipwayRuntime

/// Prints a deploy's steps as they happen, one line each on stderr with the
/// time since the service's deploy began (`✔ web  Switched web-2  traffic moved in 0.41 ms  1.3s`),
/// then each failure with the new instance's last lines.
struct DeployProgressPrinter: Sendable {
    let terminal: TerminalOutput

    init(environment: [String: String]) {
        terminal = TerminalOutput(descriptor: 2, environment: environment)
    }

    func print(_ progress: DeployProgress) {
        let (symbol, style) = Self.mark(progress.step)
        var line = style.apply(symbol, enabled: terminal.colours) + " \(progress.service)  " + Self.title(progress.step)
        if !progress.instance.isEmpty { line += " \(progress.instance)" }
        if !progress.detail.isEmpty { line += "  \(progress.detail)" }
        line += "  " + ProgressLine.format(.milliseconds(progress.elapsedMilliseconds))
        terminal.write(line: line)
    }

    /// Throws `DeployFailed` after printing when a deploy failed.
    func finish(_ report: DeployReport) throws(DeployFailed) {
        for entry in report.entries where entry.outcome == .previewing {
            terminal.write(line: "  \(entry.service): the new version answers on \(entry.previewAddress ?? "?"); "
                + "`slipway promote \(entry.service)` switches traffic to it, `slipway abort \(entry.service)` discards it")
        }
        for entry in report.failed {
            terminal.write(line: TerminalStyle.red.apply("✘", enabled: terminal.colours) + " \(entry.service)  Deploy failed: \(entry.reason)")
            if let id = entry.deploymentID { terminal.write(line: "  deployment \(id); the previous version still serves") }
            if !entry.lastLines.isEmpty {
                terminal.write(line: "  last lines of the new instance:")
                entry.lastLines.forEach { terminal.write(line: "    \($0)") }
            }
        }
        if !report.failed.isEmpty { throw DeployFailed(services: report.failed.map(\.service)) }
    }

    private static func title(_ step: DeployProgress.Step) -> String {
        let text = step.rawValue
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    private static func mark(_ step: DeployProgress.Step) -> (String, TerminalStyle) {
        switch step {
        case .failed: ("✘", .red)
        case .orphaned: ("!", .yellow)
        case .starting, .releasing, .draining, .stoppingPrevious, .rollingBack: ("⠿", .yellow)
        default: ("✔", .green)
        }
    }
}

/// At least one deploy failed before its switch: the previous versions still serve.
struct DeployFailed: SlipwayFailure {
    var services: [String]
    var message: String { "deploy failed: \(services.joined(separator: ", "))" }
    var exitCode: ExitCode { ExitCode(3) }
}
