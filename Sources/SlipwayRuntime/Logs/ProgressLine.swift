/// One progress line of `up`, docker compose style: `✔ db  Healthy  1.4s`,
/// `✘ auth  Exited (1)`.
public struct ProgressLine: Sendable {
    /// Service names are padded to this width so the states line up.
    public var nameWidth: Int
    public var colours: Bool

    public init(nameWidth: Int, colours: Bool) {
        self.nameWidth = nameWidth
        self.colours = colours
    }

    /// The line for `event`, or nil for steps not worth a line (`starting`).
    public func render(_ event: ServiceEvent) -> String? {
        guard let (symbol, style, state, timed) = Self.parts(event.kind) else { return nil }
        let name = event.service.padding(toLength: max(nameWidth, event.service.count), withPad: " ", startingAt: 0)
        var line = "\(style.apply(symbol, enabled: colours)) \(name)  \(state)"
        if timed { line += "  " + Self.format(event.elapsed) }
        return line
    }

    private static func parts(_ kind: ServiceEvent.Kind) -> (String, TerminalStyle, String, Bool)? {
        switch kind {
        case .starting: nil
        case .started: ("✔", .green, "Started", true)
        case .healthy: ("✔", .green, "Healthy", true)
        case let .unhealthy(reason): ("✘", .red, "Unhealthy (\(reason))", true)
        case .completed: ("✔", .green, "Completed", true)
        case let .exited(status): ("✘", .red, "Exited (\(status.code))", false)
        case let .restarting(attempt, _): ("↻", .yellow, "Restarting (\(attempt))", false)
        case let .failedToStart(reason): ("✘", .red, "Failed to start: \(reason)", false)
        case .stopping: ("⠿", .yellow, "Stopping", false)
        case .stopped: ("✔", .green, "Stopped", true)
        case let .warning(message): ("!", .yellow, message, false)
        }
    }

    /// `0.4s`, `1.4s`, `12.0s`.
    public static func format(_ duration: Duration) -> String {
        let tenths = (duration.components.seconds * 10) + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
