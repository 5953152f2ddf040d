import Foundation
import SlipwayRuntime

/// The `ps` table: NAME, COMMAND, STATE, HEALTH, PORTS, PID, UPTIME, laid out by `TextTable`.
public enum StatusTable {
    static let headers = ["NAME", "COMMAND", "STATE", "HEALTH", "PORTS", "PID", "UPTIME"]
    static let commandWidth = 30

    /// The table's lines, header first, without trailing spaces.
    public static func lines(_ instances: [InstanceStatus], at now: Date) -> [String] {
        TextTable.lines(headers: headers, rows: instances.map { row($0, now: now) })
    }

    static func row(_ instance: InstanceStatus, now: Date) -> [String] {
        [
            instance.name, quotedCommand(instance.command), stateText(instance), instance.health?.rawValue ?? "",
            instance.publishers.map(portText).joined(separator: ", "), instance.pid.map(String.init) ?? "",
            uptime(instance, now: now).map(UptimeText.compact) ?? "",
        ]
    }

    /// `restarting (3)` and `exited (1)` carry the count and code, as issue 4's crash loop shows them.
    static func stateText(_ instance: InstanceStatus) -> String {
        switch instance.state {
        case .restarting: "restarting (\(instance.restartCount))"
        case .exited: "exited (\(instance.exitCode))"
        default: instance.state.rawValue
        }
    }

    /// `127.0.0.1:8003->8000/tcp`, or `8000/tcp` for a port that is only exposed.
    static func portText(_ publisher: PortPublisher) -> String {
        let target = "\(publisher.targetPort)/\(publisher.protocol)"
        return publisher.publishedPort == 0 ? target : "\(publisher.url):\(publisher.publishedPort)->\(target)"
    }

    static func quotedCommand(_ command: String) -> String {
        let shown = command.count > commandWidth ? command.prefix(commandWidth - 1) + "…" : command
        return "\"\(shown)\""
    }

    /// How long the current process has run; nil unless it is running.
    static func uptime(_ instance: InstanceStatus, now: Date) -> TimeInterval? {
        guard [.starting, .running].contains(instance.state), let startedAt = instance.startedAt else { return nil }
        return max(0, now.timeIntervalSince(startedAt))
    }
}

/// Durations as `ps` shows them: `42s`, `3m07s`, `2h13m`, `4d6h`.
enum UptimeText {
    static func compact(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m\(twoDigits(seconds % 60))s"
        case ..<86400: return "\(seconds / 3600)h\(twoDigits(seconds % 3600 / 60))m"
        default: return "\(seconds / 86400)d\(seconds % 86400 / 3600)h"
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
