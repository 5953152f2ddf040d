import Glibc
import Synchronization
import SlipwayShim

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
