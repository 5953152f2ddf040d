/// Reads several services' logs (each with its rotated files) as one stream
/// in timestamp order, the way `logs` shows them: the last `tail` records of
/// each service, those at or after `since`, then (when following) new records
/// as they are written. It reads the files only, so it works with or without
/// a supervisor.
public final class LogReader {
    public struct Options: Sendable {
        /// Records per service counted from the end; nil for all.
        public var tail: Int?
        public var since: LogTimestamp?

        public init(tail: Int? = nil, since: LogTimestamp? = nil) {
            self.tail = tail
            self.since = since
        }
    }

    private var readers: [(service: String, file: LogChainReader)] = []
    private let options: Options

    public init(sources: [LogSource], options: Options = Options()) {
        self.options = options
        for source in sources { add(source, fromStart: false) }
    }

    public var services: [String] { readers.map(\.service) }

    /// The last `count` records of one service, for failure messages.
    public static func last(_ count: Int, of source: LogSource) -> [LogRecord] {
        var records: [LogRecord] = []
        LogReader(sources: [source], options: Options(tail: count)).drain { records.append($0.record) }
        return records
    }

    /// Starts reading a file that appeared while following; all of it is new.
    public func add(_ source: LogSource, fromStart: Bool) {
        readers.append((source.service, LogChainReader(path: source.path, tail: fromStart ? nil : options.tail)))
    }

    /// Emits every complete record written so far and not yet emitted,
    /// merged across services by timestamp (ties keep the sources' order).
    public func drain(_ emit: (LogEntry) -> Void) {
        var heads = readers.map { nextShown($0.file) }
        while let index = earliest(heads), let record = heads[index] {
            emit(LogEntry(service: readers[index].service, record: record))
            heads[index] = nextShown(readers[index].file)
        }
    }

    /// Drains, then keeps draining every `interval` until `shouldContinue`
    /// says stop (or the task is cancelled), picking up files that appear
    /// under `discover` meanwhile; one last drain catches the final lines.
    public func follow(
        every interval: Duration = .milliseconds(100),
        discover: () -> [LogSource] = { [] },
        shouldContinue: () async -> Bool,
        _ emit: (LogEntry) -> Void
    ) async {
        drain(emit)
        while !Task.isCancelled, await shouldContinue() {
            try? await Task.sleep(for: interval)
            for source in discover() where !readers.contains(where: { $0.file.path == source.path }) {
                add(source, fromStart: true)
            }
            drain(emit)
        }
        drain(emit)
    }

    private func nextShown(_ file: LogChainReader) -> LogRecord? {
        while let record = file.next() {
            if let since = options.since, record.timestamp < since { continue }
            return record
        }
        return nil
    }

    private func earliest(_ heads: [LogRecord?]) -> Int? {
        var best: Int?
        for (index, head) in heads.enumerated() {
            guard let head else { continue }
            if let current = best, let currentHead = heads[current], currentHead.timestamp <= head.timestamp { continue }
            best = index
        }
        return best
    }
}
