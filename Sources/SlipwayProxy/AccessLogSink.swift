#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An append-only JSON-lines file of HTTP exchanges.
///
/// Entries collect in memory and are written in batches (when the batch grows large, and by
/// `flush()`, which the proxy calls periodically), so a request never waits on the disk.
public final class AccessLogSink: Sendable {
    public let path: String
    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    private static let batchBytes = 64 * 1024

    /// Opens (creating or appending to) the file at `path`.
    public init(path: String) throws(AccessLogError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AccessLogError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        flush()
        close(descriptor)
    }

    func record(_ entry: AccessLogEntry) {
        let full = pending.withLock { buffer -> [UInt8]? in
            buffer.append(contentsOf: entry.jsonLine.utf8)
            guard buffer.count >= Self.batchBytes else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { writeToFile(full) }
    }

    /// Writes every entry recorded so far to the file.
    public func flush() {
        let batch = pending.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !batch.isEmpty { writeToFile(batch) }
    }

    private func writeToFile(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
