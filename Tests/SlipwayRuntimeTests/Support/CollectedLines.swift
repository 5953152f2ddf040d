import Synchronization
@testable import SlipwayRuntime

/// A LineSink that keeps every line, for assertions.
final class CollectedLines: LineSink {
    private let lines = Mutex<[String]>([])

    func receive(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    var all: [String] { lines.withLock { $0 } }
}
