import Foundation
import SlipwayRuntime

/// What `up -d` prints once it returns: one line per instance on stderr, as
/// docker compose does (` ✔ demo-web-1  Healthy`).
struct DetachedUpSummary {
    let terminal: TerminalOutput

    init(environment: [String: String]) {
        terminal = TerminalOutput(descriptor: 2, environment: environment)
    }

    func print(_ snapshot: StatusSnapshot) {
        let width = snapshot.instances.map(\.name.count).max() ?? 0
        for instance in snapshot.instances {
            let name = instance.name.padding(toLength: width, withPad: " ", startingAt: 0)
            terminal.write(line: " " + TerminalStyle.green.apply("✔", enabled: terminal.colours) + " \(name)  \(Self.word(instance))")
        }
    }

    private static func word(_ instance: InstanceStatus) -> String {
        switch (instance.state, instance.health) {
        case (_, .healthy?): "Healthy"
        case (.exited, _): instance.exitCode == 0 ? "Completed" : "Exited (\(instance.exitCode))"
        case (.running, _): "Running"
        case (.created, _): "Created"
        default: "Started"
        }
    }
}
