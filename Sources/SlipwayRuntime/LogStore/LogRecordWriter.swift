import ComposeKit
import Glibc
import Synchronization

/// Appends timestamped records to a service's log file. Each record goes out
/// in one `write` on an `O_APPEND` descriptor, so a reader never sees two
/// records interleaved and a crash leaves at most one partial last line.
///
/// With a `maxSize`, a record that would take the file past it first rotates
/// the log (`LogRotation`): a record is never split across two files.
public final class LogRecordWriter: Sendable {
    public let path: String
    private let limits: LogLimits
    private let file: Mutex<(descriptor: CInt, size: Int)>

    /// Creates the file with mode 0600 (logs may hold secrets) or appends to
    /// it; never through a symbolic link.
    public init(path: String, limits: LogLimits = LogLimits(maxSize: nil, maxFiles: 1)) throws(LogStoreError) {
        self.path = path
        self.limits = limits
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw LogStoreError(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        file = Mutex((descriptor, size))
    }

    deinit {
        file.withLock { _ = close($0.descriptor) }
    }

    /// A text holding newlines becomes one record per line, so every line of
    /// the file stays a record.
    public func append(_ text: String, stream: LogStream, at timestamp: LogTimestamp = .now()) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let stored = lines.map { LogRecord(timestamp: timestamp, stream: stream, text: String($0)).storedLine }.joined()
        let bytes = Array(stored.utf8)
        file.withLock { file in
            if let maxSize = limits.maxSize, file.size > 0, file.size + bytes.count > maxSize {
                rotate(&file)
            }
            file.size += writeAll(bytes, to: file.descriptor)
        }
    }

    /// Moves the full file aside and starts an empty one; when the new file
    /// cannot be made, the old descriptor goes on (unbounded rather than lost).
    private func rotate(_ file: inout (descriptor: CInt, size: Int)) {
        LogRotation.shift(path, keeping: limits.maxFiles)
        let fresh = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fresh >= 0 else { return }
        close(file.descriptor)
        file = (fresh, 0)
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: CInt) -> Int {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { break }
            remaining = remaining.dropFirst(written)
        }
        return bytes.count - remaining.count
    }
}

public struct LogStoreError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot use log file \(path): \(reason)" }
}
