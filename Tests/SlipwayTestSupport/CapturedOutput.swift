import Foundation
import Glibc
import Synchronization

/// A pipe whose read end is drained by a thread of its own into memory; the
/// write end goes to a child (`ChildProcess`'s stdout or stderr), then is
/// closed here with `childStarted()` (also when the spawn failed), so the
/// end of the child ends the text.
public final class CapturedOutput: Sendable {
    public let writeEnd: Int32
    private let bytes = Mutex<[UInt8]>([])
    private let ended = Mutex(false)

    public init() throws {
        var ends: [Int32] = [0, 0]
        guard SpawnExtensions.pipe2(&ends, O_CLOEXEC) == 0 else {
            throw ChildProcess.SpawnFailure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        writeEnd = ends[1]
        let readEnd = ends[0]
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                self.bytes.withLock { $0.append(contentsOf: chunk[..<count]) }
            }
            close(readEnd)
            self.ended.withLock { $0 = true }
        }.start()
    }

    /// Closes this process's copy of the write end, once the child has its own.
    public func childStarted() {
        close(writeEnd)
    }

    public var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    /// True once every writer closed the pipe.
    public var closed: Bool { ended.withLock { $0 } }
}
