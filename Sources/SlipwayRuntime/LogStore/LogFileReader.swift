import Glibc

/// Reads complete records forward from a byte offset of a log file, a chunk
/// at a time. A last line still being written stays unread until its newline
/// arrives, so following a growing file never yields half a record.
final class LogFileReader {
    private static let chunkSize = 64 * 1024

    let path: String
    private var descriptor: CInt = -1
    private var offset: Int
    private var buffer: [UInt8] = []
    private var consumed = 0
    /// Where each read lands before it joins `buffer`: allocated once, as a
    /// reader follows a file with a read per poll and most reads find nothing.
    private var chunk = [UInt8](repeating: 0, count: chunkSize)

    init(path: String, offset: Int = 0) {
        self.path = path
        self.offset = offset
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The next complete record, or nil when none is available yet. Lines the
    /// writer did not produce are skipped.
    func next() -> LogRecord? {
        while let line = nextLine() {
            if let record = LogRecord(storedLine: line) { return record }
        }
        return nil
    }

    private func nextLine() -> ArraySlice<UInt8>? {
        while true {
            if let newline = newlineIndex() {
                let line = buffer[consumed..<newline]
                consumed = newline + 1
                return line
            }
            guard readChunk() else { return nil }
        }
    }

    /// The index of the first newline not yet consumed. `memchr`, as every
    /// byte of every log read passes here.
    private func newlineIndex() -> Int? {
        buffer.withUnsafeBytes { bytes in
            guard consumed < bytes.count, let base = bytes.baseAddress,
                  let found = memchr(base + consumed, 0x0A, bytes.count - consumed)
            else { return nil }
            return UnsafeRawPointer(found) - base
        }
    }

    /// Appends the next chunk of the file to the buffer; false at the end of
    /// what is written so far (or when the file does not exist yet).
    private func readChunk() -> Bool {
        guard openIfNeeded() else { return false }
        buffer.removeFirst(consumed)
        consumed = 0
        let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, Self.chunkSize, off_t(offset)) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        offset += count
        return true
    }

    /// Whether the path now names another file than the one being read (the
    /// log was rotated): what is left to read is in the open descriptor.
    var wasReplaced: Bool {
        guard descriptor >= 0 else { return false }
        var open = stat()
        var current = stat()
        guard fstat(descriptor, &open) == 0 else { return false }
        guard lstat(path, &current) == 0 else { return true }
        return open.st_ino != current.st_ino || open.st_dev != current.st_dev
    }

    private func openIfNeeded() -> Bool {
        if descriptor < 0 { descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        return descriptor >= 0
    }
}
