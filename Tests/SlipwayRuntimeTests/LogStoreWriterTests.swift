import Foundation
import Glibc
import Testing

@testable import SlipwayRuntime

@Suite("Log record writer")
struct LogStoreWriterTests {
    @Test("records are one line each: timestamp, stream, text; the file is 0600")
    func format() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let writer = try LogRecordWriter(path: path)
        writer.append("listening on 8000", stream: .out, at: LogTimestamp(seconds: 1_764_178_000, nanoseconds: 5))
        writer.append("warning: slow | start", stream: .err, at: LogTimestamp(seconds: 1_764_178_001))

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == """
            2025-11-26T17:26:40.000000005Z out listening on 8000
            2025-11-26T17:26:41.000000000Z err warning: slow | start

            """)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
    }

    @Test("a text holding newlines becomes one record per line")
    func multiline() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        try LogRecordWriter(path: path).append("one\ntwo", stream: .out, at: LogTimestamp(seconds: 0))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["1970-01-01T00:00:00.000000000Z out one", "1970-01-01T00:00:00.000000000Z out two"])
    }

    @Test("a second writer appends after what the first wrote")
    func appends() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        try LogRecordWriter(path: path).append("first run", stream: .out)
        try LogRecordWriter(path: path).append("second run", stream: .out)
        let texts = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .compactMap { LogRecord(storedLine: ArraySlice($0.utf8))?.text }
        #expect(texts == ["first run", "second run"])
    }

    @Test("a file that cannot be created is an error naming it")
    func unwritable() {
        #expect(throws: LogStoreError.self) { try LogRecordWriter(path: "/nonexistent-slipway-dir/web.log") }
    }
}
