import Glibc
import Synchronization

/// The terminal (stdout) shared by service logs and progress lines; each
/// line goes out in one write so lines from different services never mix.
public final class TerminalOutput: Sendable {
    public let colours: Bool
    private let descriptor: CInt
    private let lock = Mutex<Void>(())

    /// Colours only on a terminal and only when `NO_COLOR` is unset or empty
    /// (https://no-color.org).
    public init(descriptor: CInt = 1, environment: [String: String]) {
        self.descriptor = descriptor
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        colours = isatty(descriptor) == 1 && !noColor
    }

    public func write(line: String) {
        lock.withLock { _ in writeFully(descriptor, line + "\n") }
    }
}

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
