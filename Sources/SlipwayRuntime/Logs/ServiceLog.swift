import ComposeKit
import Foundation
import Synchronization

/// A service's output: appended to its log file in the state directory
/// (rotated within its limits) as timestamped records (so `logs --since/-t` work), shown on the terminal
/// behind a `name  | ` prefix, and the last lines kept for failure messages.
public final class ServiceLog: LineSink {
    public static let keptLines = 20

    private let file: LogRecordWriter?
    private let terminal: TerminalOutput?
    private let prefix: String
    private let recent = Mutex<[String]>([])
    /// How many instances of the service exist (two during a deploy).
    private let instanceCount = Atomic<Int>(0)

    /// `prefixWidth` pads names so every service's lines line up; `limits`
    /// bound the file (compose's `logging.options`).
    public init(
        service: String, path: String, limits: LogLimits = .standard, terminal: TerminalOutput?, prefixWidth: Int,
        style: TerminalStyle
    ) {
        // A log file that cannot be opened must not stop the service; its output still reaches the terminal.
        file = try? LogRecordWriter(path: path, limits: limits)
        self.terminal = terminal
        let padded = service.padding(toLength: max(prefixWidth, service.count), withPad: " ", startingAt: 0)
        prefix = style.apply(padded + "  | ", enabled: terminal?.colours ?? false)
    }

    public func receive(_ line: String) {
        receive(line, stream: .out)
    }

    public func receive(_ line: String, stream: LogStream) {
        file?.append(line, stream: stream)
        terminal?.write(line: prefix + line)
        recent.withLock {
            $0.append(line)
            if $0.count > Self.keptLines { $0.removeFirst($0.count - Self.keptLines) }
        }
    }

    /// A line from one instance. While another instance of the service runs
    /// beside it (a deploy's blue and green), the line names its instance
    /// (`[web-2] listening`), in the file and on the terminal alike.
    public func receive(_ line: String, stream: LogStream, instance: String) {
        receive(instanceCount.load(ordering: .relaxed) > 1 ? "[\(instance)] \(line)" : line, stream: stream)
    }

    /// The service's instances come and go: counted, so their lines are tagged only while two overlap.
    public func instanceAdded() {
        instanceCount.add(1, ordering: .relaxed)
    }

    public func instanceRemoved() {
        instanceCount.subtract(1, ordering: .relaxed)
    }

    /// A line from Slipway itself (health transitions, exits, restarts), kept
    /// in the log file only (as an `err` record marked `[slipway]`), so the
    /// file tells the whole story of the service.
    public func note(_ text: String) {
        file?.append("[slipway] " + text, stream: .err)
    }

    /// The last lines the service wrote (up to `keptLines`).
    public var lastLines: [String] {
        recent.withLock { $0 }
    }
}
