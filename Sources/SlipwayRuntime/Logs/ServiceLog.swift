import Glibc
import Synchronization

/// A service's output: appended to its log file in the state directory,
/// shown on the terminal behind a `name  | ` prefix, and the last lines kept
/// for failure messages.
public final class ServiceLog: LineSink {
    public static let keptLines = 20

    private let file: CInt
    private let terminal: TerminalOutput?
    private let prefix: String
    private let recent = Mutex<[String]>([])

    /// `prefixWidth` pads names so every service's lines line up.
    public init(service: String, path: String, terminal: TerminalOutput?, prefixWidth: Int, style: TerminalStyle) {
        file = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        self.terminal = terminal
        let padded = service.padding(toLength: max(prefixWidth, service.count), withPad: " ", startingAt: 0)
        prefix = style.apply(padded + "  | ", enabled: terminal?.colours ?? false)
    }

    deinit {
        if file >= 0 { close(file) }
    }

    public func receive(_ line: String) {
        if file >= 0 { writeFully(file, line + "\n") }
        terminal?.write(line: prefix + line)
        recent.withLock {
            $0.append(line)
            if $0.count > Self.keptLines { $0.removeFirst($0.count - Self.keptLines) }
        }
    }

    /// A line from Slipway itself (health transitions, exits, restarts), kept
    /// in the log file only, so the file tells the whole story of the service.
    public func note(_ text: String) {
        if file >= 0 { writeFully(file, "[slipway] " + text + "\n") }
    }

    /// The last lines the service wrote (up to `keptLines`).
    public var lastLines: [String] {
        recent.withLock { $0 }
    }
}
