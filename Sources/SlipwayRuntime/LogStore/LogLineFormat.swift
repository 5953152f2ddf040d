/// How `logs` prints a record: `name  | text`, names padded to the widest,
/// each service's prefix in its own colour on a terminal, the timestamp
/// after the prefix with `-t`. Colours follow the services' order, as `up`
/// assigns them, so a service keeps its colour between the two.
public struct LogLineFormat: Sendable {
    public var colours: Bool
    public var timestamps: Bool
    private var services: [String]
    private var width: Int

    public init(services: [String], colours: Bool, timestamps: Bool) {
        self.services = services
        self.colours = colours
        self.timestamps = timestamps
        width = services.map(\.count).max() ?? 0
    }

    public func line(_ entry: LogEntry) -> String {
        let padded = entry.service.padding(toLength: max(width, entry.service.count), withPad: " ", startingAt: 0)
        let prefix = style(of: entry.service).apply(padded + "  | ", enabled: colours)
        return prefix + (timestamps ? "\(entry.record.timestamp) " : "") + entry.record.text
    }

    /// A service that appears while following takes the next colour.
    public mutating func include(_ service: String) {
        guard !services.contains(service) else { return }
        services.append(service)
        width = max(width, service.count)
    }

    private func style(of service: String) -> TerminalStyle {
        let palette = TerminalStyle.servicePalette
        return palette[(services.firstIndex(of: service) ?? 0) % palette.count]
    }
}
