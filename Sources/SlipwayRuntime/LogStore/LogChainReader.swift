import Glibc

/// Reads a service's log with its rotated files as one stream of records,
/// oldest first (`web.log.4` … `web.log.1`, then `web.log`). While following,
/// when the file it reads is rotated away (renamed to `web.log.1`), it
/// finishes that file through its open descriptor, then goes on with the new
/// `web.log` from its start.
final class LogChainReader {
    let path: String
    private var reader: LogFileReader
    private var later: [String]

    /// `tail`: start at the last `tail` records counted across the files.
    init(path: String, tail: Int?) {
        self.path = path
        let files = LogRotation.files(of: path)
        var start = (index: 0, offset: 0)
        if let tail {
            start = Self.tailStart(files, lines: tail)
        }
        reader = LogFileReader(path: files[start.index], offset: start.offset)
        later = Array(files[(start.index + 1)...])
    }

    func next() -> LogRecord? {
        while true {
            if let record = reader.next() { return record }
            if let following = later.first {
                later.removeFirst()
                reader = LogFileReader(path: following)
            } else if reader.path == path, reader.wasReplaced {
                reader = LogFileReader(path: path)
            } else {
                return nil
            }
        }
    }

    /// Where the last `lines` records begin: in the newest file that holds
    /// them, walking back through older files while the newer hold too few.
    private static func tailStart(_ files: [String], lines: Int) -> (index: Int, offset: Int) {
        var remaining = lines
        for index in files.indices.reversed() {
            let offset = LogTailOffset.offset(path: files[index], lines: remaining) ?? 0
            if offset > 0 || remaining == 0 { return (index, offset) }
            let count = LogTailOffset.completeLines(path: files[index]) ?? 0
            if count >= remaining { return (index, 0) }
            remaining -= count
        }
        return (0, 0)
    }
}
