/// ANSI styles, applied only when the output takes colours.
public enum TerminalStyle: Int, Sendable, CaseIterable {
    case cyan = 36, yellow = 33, green = 32, magenta = 35, blue = 34
    case brightCyan = 96, brightYellow = 93, brightGreen = 92, brightMagenta = 95, brightBlue = 94
    case red = 31, bold = 1, dim = 2

    static let servicePalette: [TerminalStyle] = [
        .cyan, .yellow, .green, .magenta, .blue, .brightCyan, .brightYellow, .brightGreen, .brightMagenta, .brightBlue,
    ]

    public func apply(_ text: String, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
    }
}
