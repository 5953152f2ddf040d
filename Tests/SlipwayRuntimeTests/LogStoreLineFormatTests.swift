import Testing

@testable import SlipwayRuntime

@Suite("logs line format: prefixes, colours, timestamps")
struct LogStoreLineFormatTests {
    private let record = LogRecord(timestamp: LogTimestamp(seconds: 1_764_178_000, nanoseconds: 7), stream: .out, text: "ready")

    @Test("names are padded to the widest and followed by `  | `")
    func plain() {
        let format = LogLineFormat(services: ["db", "auth-service"], colours: false, timestamps: false)
        #expect(format.line(LogEntry(service: "db", record: record)) == "db            | ready")
        #expect(format.line(LogEntry(service: "auth-service", record: record)) == "auth-service  | ready")
    }

    @Test("-t puts the stored timestamp after the prefix")
    func timestamps() {
        let format = LogLineFormat(services: ["db"], colours: false, timestamps: true)
        #expect(format.line(LogEntry(service: "db", record: record)) == "db  | 2025-11-26T17:26:40.000000007Z ready")
    }

    @Test("on a terminal each service's prefix takes its colour in order, the text stays plain")
    func colours() {
        let format = LogLineFormat(services: ["api", "db"], colours: true, timestamps: false)
        #expect(format.line(LogEntry(service: "api", record: record)) == "\u{1B}[36mapi  | \u{1B}[0mready")
        #expect(format.line(LogEntry(service: "db", record: record)) == "\u{1B}[33mdb   | \u{1B}[0mready")
    }

    @Test("a service that appears later takes the next colour")
    func include() {
        var format = LogLineFormat(services: ["api"], colours: true, timestamps: false)
        format.include("worker")
        #expect(format.line(LogEntry(service: "worker", record: record)) == "\u{1B}[33mworker  | \u{1B}[0mready")
    }
}
