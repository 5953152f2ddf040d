import ComposeKit
import Foundation
import Glibc
import Testing

@testable import SlipwayRuntime

/// A log within `max-size` × `max-file`: rotated docker's way, and read back
/// across its files in order by `logs`, `--tail` and `-f`.
@Suite("Log rotation")
struct LogRotationTests {
    /// Each record is 46 bytes: a 30-byte timestamp, " out ", "line NNNNN" and a newline.
    private static func text(_ number: Int) -> String { "line " + String(format: "%05d", number) }
    private static let recordSize = 46

    private func size(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    private func write(_ range: ClosedRange<Int>, to writer: LogRecordWriter) {
        for number in range {
            writer.append(Self.text(number), stream: .out, at: LogTimestamp(seconds: 1_764_178_000 + Int64(number)))
        }
    }

    @Test("the log is rotated before a record would pass max-size, and max-file files are kept, the current one included")
    func rotatesWithinLimits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let writer = try LogRecordWriter(path: path, limits: LogLimits(maxSize: 10 * Self.recordSize, maxFiles: 3))
        write(1...95, to: writer)
        #expect(size(path) == 5 * Self.recordSize)
        #expect(size(path + ".1") == 10 * Self.recordSize)
        #expect(size(path + ".2") == 10 * Self.recordSize)
        #expect(size(path + ".3") == nil)
        let records = LogReader(sources: [LogSource(service: "web", path: path)]).all
        #expect(records.map(\.text) == (71...95).map(Self.text))
    }

    @Test("max-file 1 keeps only the current file")
    func singleFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let writer = try LogRecordWriter(path: path, limits: LogLimits(maxSize: 10 * Self.recordSize, maxFiles: 1))
        write(1...25, to: writer)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["web.log"])
        #expect(LogReader(sources: [LogSource(service: "web", path: path)]).all.map(\.text) == (21...25).map(Self.text))
    }

    @Test("--tail counts across the rotated files, oldest first")
    func tailAcrossFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let writer = try LogRecordWriter(path: path, limits: LogLimits(maxSize: 10 * Self.recordSize, maxFiles: 5))
        write(1...43, to: writer)
        let source = LogSource(service: "web", path: path)
        for tail in [0, 1, 3, 4, 13, 14, 33, 43, 100] {
            let shown = LogReader(sources: [source], options: .init(tail: tail)).all.map(\.text)
            #expect(shown == (max(1, 44 - tail)..<44).map(Self.text), "--tail \(tail)")
        }
    }

    @Test("slipway logs and logs --tail read a rotated log back whole, in order")
    func commandLineReadsAcrossFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        let writer = try LogRecordWriter(path: state.logFile(service: "web"), limits: LogLimits(maxSize: 10 * Self.recordSize, maxFiles: 5))
        write(1...43, to: writer)
        let project = ["-p", "demo", "--state-dir", state.path]
        let tail = try await SlipwayRun.run(["logs", "--tail", "25"] + project, home: directory.path)
        #expect(tail.code == 0)
        #expect(tail.stdout == (19...43).map { "web  | \(Self.text($0))\n" }.joined())
        let all = try await SlipwayRun.run(["logs", "web"] + project, home: directory.path)
        #expect(all.stdout == (1...43).map { "web  | \(Self.text($0))\n" }.joined())
    }

    @Test("following reads what was written before a rotation, then the new file, losing nothing")
    func followAcrossRotation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/web.log"
        let writer = try LogRecordWriter(path: path, limits: LogLimits(maxSize: 10 * Self.recordSize, maxFiles: 3))
        let reader = LogReader(sources: [LogSource(service: "web", path: path)])
        var seen: [String] = []
        write(1...8, to: writer)
        reader.drain { seen.append($0.record.text) }
        write(9...14, to: writer)
        reader.drain { seen.append($0.record.text) }
        write(15...17, to: writer)
        reader.drain { seen.append($0.record.text) }
        #expect(seen == (1...17).map(Self.text))
    }

    @Test("a supervised service's log honours its logging limits")
    func supervisedServiceIsRotated() async throws {
        let chatty = Service.shell("chatty", "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo \"line $i\"; done; echo done; exec sleep 1000") {
            $0.logLimits = LogLimits(maxSize: 8192, maxFiles: 3)
        }
        try await SupervisorHarness.with([chatty]) { harness async throws in
            #expect(await harness.boundedUp() == nil)
            let path = harness.directory.path + "/state/logs/chatty.log"
            let source = LogSource(service: "chatty", path: path)
            // Slipway's own notes (the start) may land after the service's last line.
            #expect(await eventually { LogReader.last(5, of: source).contains { $0.text == "done" } },
                    "\(LogReader.last(5, of: source).map(\.text)) in \((try? FileManager.default.contentsOfDirectory(atPath: harness.directory.path + "/state/logs")) ?? [])")
            #expect(size(path + ".2") != nil && size(path + ".3") == nil)
            #expect([path, path + ".1", path + ".2"].allSatisfy { (size($0) ?? .max) <= 8192 })
            let kept = LogReader(sources: [source]).all.map(\.text).filter { $0.hasPrefix("line ") }
            let numbers = kept.compactMap { Int($0.dropFirst(5)) }
            #expect(!numbers.isEmpty && numbers == Array((numbers.first ?? 0)...3000))
        }
    }
}

extension LogReader {
    /// Every record it would show now, without following.
    var all: [LogRecord] {
        var records: [LogRecord] = []
        drain { records.append($0.record) }
        return records
    }
}
