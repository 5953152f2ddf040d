import Foundation
import Testing
@testable import SlipwayRuntime

@Suite("ServiceLog")
struct SupervisorServiceLogTests {
    private func records(_ path: String) -> [LogRecord] {
        var records: [LogRecord] = []
        LogReader(sources: [LogSource(service: "web", path: path)]).drain { records.append($0.record) }
        return records
    }

    @Test func appendsTimestampedRecordsAndKeepsTheLastLines() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = temporary.path + "/web.log"
        let log = ServiceLog(service: "web", path: path, terminal: nil, prefixWidth: 4, style: .cyan)
        for number in 1...25 { log.receive("line \(number)") }
        log.receive("oops", stream: .err)
        let stored = records(path)
        #expect(stored.count == 26)
        #expect(stored.first?.text == "line 1")
        #expect(stored.last == LogRecord(timestamp: stored.last!.timestamp, stream: .err, text: "oops"))
        #expect(log.lastLines.first == "line 7")
        #expect(log.lastLines.count == ServiceLog.keptLines)
    }

    @Test func linesNameTheirInstanceOnlyWhileTwoInstancesOverlap() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = temporary.path + "/web.log"
        let log = ServiceLog(service: "web", path: path, terminal: nil, prefixWidth: 3, style: .cyan)
        log.instanceAdded()
        log.receive("blue alone", stream: .out, instance: "web-1")
        log.instanceAdded()
        log.receive("green starts", stream: .out, instance: "web-2")
        log.receive("blue still serves", stream: .err, instance: "web-1")
        log.instanceRemoved()
        log.receive("green alone", stream: .out, instance: "web-2")
        #expect(records(path).map(\.text) == ["blue alone", "[web-2] green starts", "[web-1] blue still serves", "green alone"])
    }

    @Test func notesGoToTheFileButNotToTheLastLines() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = temporary.path + "/web.log"
        let log = ServiceLog(service: "web", path: path, terminal: nil, prefixWidth: 3, style: .cyan)
        log.receive("listening")
        log.note("✔ web  Healthy  0.2s")
        #expect(records(path).map(\.text) == ["listening", "[slipway] ✔ web  Healthy  0.2s"])
        #expect(log.lastLines == ["listening"])
    }
}
