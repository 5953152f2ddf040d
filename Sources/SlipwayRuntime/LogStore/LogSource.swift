import Foundation

/// A service's log file.
public struct LogSource: Sendable, Equatable {
    public var service: String
    public var path: String

    public init(service: String, path: String) {
        self.service = service
        self.path = path
    }

    /// Every `<service>.log` in a directory, by service name; empty when the
    /// directory does not exist.
    public static func all(in directory: String) -> [LogSource] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".log") && $0.count > 4 }.sorted().map {
            LogSource(service: String($0.dropLast(4)), path: "\(directory)/\($0)")
        }
    }
}

/// A record with the service that wrote it.
public struct LogEntry: Sendable, Equatable {
    public var service: String
    public var record: LogRecord

    public init(service: String, record: LogRecord) {
        self.service = service
        self.record = record
    }
}
