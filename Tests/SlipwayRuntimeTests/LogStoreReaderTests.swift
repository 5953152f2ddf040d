import Foundation
import Synchronization
import Testing

@testable import SlipwayRuntime

@Suite("Log reader: merge, tail, since, follow")
struct LogStoreReaderTests {
    private func at(_ second: Int64) -> LogTimestamp { LogTimestamp(seconds: 1_764_178_000 + second) }

    private func read(_ reader: LogReader) -> [String] {
        var shown: [String] = []
        reader.drain { shown.append("\($0.service): \($0.record.text)") }
        return shown
    }

    @Test("several services' files are merged in timestamp order")
    func merge() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = try LogRecordWriter(path: directory.path + "/db.log")
        let web = try LogRecordWriter(path: directory.path + "/web.log")
        db.append("db 1", stream: .out, at: at(1))
        web.append("web 2", stream: .err, at: at(2))
        db.append("db 3", stream: .out, at: at(3))
        web.append("web 3", stream: .out, at: at(3))
        web.append("web 4", stream: .out, at: at(4))

        let sources = LogSource.all(in: directory.path)
        #expect(sources.map(\.service) == ["db", "web"])
        #expect(read(LogReader(sources: sources)) == ["db: db 1", "web: web 2", "db: db 3", "web: web 3", "web: web 4"])
    }

    @Test("--tail N keeps the last N records of each service, across chunk boundaries")
    func tail() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let big = try LogRecordWriter(path: directory.path + "/big.log")
        let small = try LogRecordWriter(path: directory.path + "/small.log")
        for index in 0..<5000 {
            big.append("line \(index) " + String(repeating: "x", count: index % 90), stream: .out, at: at(Int64(index)))
        }
        small.append("only line", stream: .out, at: at(4998))

        let sources = LogSource.all(in: directory.path)
        let shown = read(LogReader(sources: sources, options: .init(tail: 3)))
        #expect(shown.map { $0.replacingOccurrences(of: "x", with: "") } == [
            "big: line 4997 ", "big: line 4998 ", "small: only line", "big: line 4999 ",
        ])
        #expect(read(LogReader(sources: sources, options: .init(tail: 0))).isEmpty)
        #expect(read(LogReader(sources: sources, options: .init(tail: 6000))).count == 5001)
    }

    @Test("--since drops earlier records; with --tail both apply")
    func since() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let web = try LogRecordWriter(path: directory.path + "/web.log")
        for second in 0..<10 { web.append("at \(second)", stream: .out, at: at(Int64(second))) }
        let sources = LogSource.all(in: directory.path)

        #expect(read(LogReader(sources: sources, options: .init(since: at(7)))) == ["web: at 7", "web: at 8", "web: at 9"])
        #expect(read(LogReader(sources: sources, options: .init(tail: 2, since: at(5)))) == ["web: at 8", "web: at 9"])
        #expect(read(LogReader(sources: sources, options: .init(tail: 5, since: at(8)))) == ["web: at 8", "web: at 9"])
    }

    @Test("a last line without its newline is held back until it is complete")
    func partialLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let complete = LogRecord(timestamp: at(1), stream: .out, text: "done").storedLine
        let partial = LogRecord(timestamp: at(2), stream: .out, text: "half").storedLine
        try (complete + partial.dropLast(3)).write(toFile: path, atomically: false, encoding: .utf8)

        let reader = LogReader(sources: [LogSource(service: "web", path: path)])
        #expect(read(reader) == ["web: done"])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(partial.suffix(3).utf8))
        try handle.close()
        #expect(read(reader) == ["web: half"])
    }

    @Test("lines the writer did not produce are skipped")
    func foreignLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let good = LogRecord(timestamp: at(1), stream: .err, text: "kept").storedLine
        try ("plain line\n" + good + "2025-11-26T17:26:40Z bad stream\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(read(LogReader(sources: [LogSource(service: "web", path: path)])) == ["web: kept"])
    }

    @Test("following shows new records of existing files and of files that appear later")
    func follow() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let web = try LogRecordWriter(path: directory.path + "/web.log")
        web.append("before", stream: .out)

        let shown = CollectedEntries()
        let reader = LogReader(sources: LogSource.all(in: directory.path))
        let following = Task {
            await reader.follow(every: .milliseconds(10), discover: { LogSource.all(in: directory.path) },
                shouldContinue: { !shown.contains("worker: last") }) { shown.append("\($0.service): \($0.record.text)") }
        }
        defer { following.cancel() }

        #expect(await eventually { shown.contains("web: before") })
        web.append("after", stream: .out)
        #expect(await eventually { shown.contains("web: after") })
        let worker = try LogRecordWriter(path: directory.path + "/worker.log")
        worker.append("first", stream: .out)
        worker.append("last", stream: .out)
        #expect(await within { await following.value } != nil)
        #expect(shown.entries == ["web: before", "web: after", "worker: first", "worker: last"])
    }
}

/// Entries the follow task shows, read by the test while it runs.
final class CollectedEntries: Sendable {
    private let lines = Mutex<[String]>([])

    var entries: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    func contains(_ line: String) -> Bool { lines.withLock { $0.contains(line) } }
}
