import Glibc

/// Appends timestamped records to a service's log file. Each record goes out
/// in one `write` on an `O_APPEND` descriptor, so a reader never sees two
/// records interleaved and a crash leaves at most one partial last line.
public final class LogRecordWriter: Sendable {
    public let path: String
    private let descriptor: CInt

    /// Creates the file with mode 0600 (logs may hold secrets) or appends to it.
    public init(path: String) throws(LogStoreError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LogStoreError(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit {
        close(descriptor)
    }

    /// A text holding newlines becomes one record per line, so every line of
    /// the file stays a record.
    public func append(_ text: String, stream: LogStream, at timestamp: LogTimestamp = .now()) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let stored = lines.map { LogRecord(timestamp: timestamp, stream: stream, text: String($0)).storedLine }.joined()
        writeAll(Array(stored.utf8))
    }

    private func writeAll(_ bytes: [UInt8]) {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            remaining = remaining.dropFirst(written)
        }
    }
}

public struct LogStoreError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot use log file \(path): \(reason)" }
}
