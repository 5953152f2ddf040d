import Glibc

/// A pipe whose read end becomes a child's stdin (`ChildProcess`) and whose
/// write end the test writes to; `childStarted()` closes the read end here.
public final class InputPipe: Sendable {
    public let readEnd: Int32
    private let writeEnd: Int32

    public init() throws {
        var ends: [Int32] = [0, 0]
        guard SpawnExtensions.pipe2(&ends, O_CLOEXEC) == 0 else {
            throw ChildProcess.SpawnFailure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    public func childStarted() {
        close(readEnd)
    }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The child reads end-of-file once it read what was written.
    public func finish() {
        close(writeEnd)
    }
}
