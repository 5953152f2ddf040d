import Glibc

/// Finds where the last N lines of a file begin by reading backwards from its
/// end in chunks, so `--tail` costs the size of what it shows, not of the file.
enum LogTailOffset {
    private static let chunkSize = 64 * 1024

    /// The offset of the first of the last `lines` complete lines; 0 when the
    /// file holds fewer, the file size when `lines` is 0, nil when it cannot be read.
    static func offset(path: String, lines: Int) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        guard lines > 0 else { return size }
        let (newlinesWanted, overflow) = lines.addingReportingOverflow(1)
        return overflow ? 0 : scanBackwards(descriptor, size: size, newlinesWanted: newlinesWanted) ?? 0
    }

    /// The offset just after the `newlinesWanted`-th newline counted from the
    /// end; the first one counted ends the last line.
    private static func scanBackwards(_ descriptor: CInt, size: Int, newlinesWanted: Int) -> Int? {
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var end = size
        var found = 0
        while end > 0 {
            let start = max(0, end - chunkSize)
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, end - start, off_t(start)) }
            guard count == end - start else { return nil }
            for index in stride(from: count - 1, through: 0, by: -1) where chunk[index] == 0x0A {
                found += 1
                if found == newlinesWanted { return start + index + 1 }
            }
            end = start
        }
        return nil
    }

    /// How many complete lines the file holds, read forward in chunks; nil
    /// when it cannot be read.
    static func completeLines(path: String) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var count = 0
        while true {
            let read = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, chunkSize) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { return read == 0 ? count : nil }
            count += chunk[..<read].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
    }
}
