/// What a `watch` stream carries.
public enum ControlEvent: Sendable, Equatable {
    /// The instances' status after something changed.
    case status(StatusSnapshot)
    /// A line a service wrote.
    case log(LogEntry)
}

extension ControlEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, status, service, record
    }

    private enum Kind: String, Codable {
        case status, log
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .status:
            self = .status(try container.decode(StatusSnapshot.self, forKey: .status))
        case .log:
            let service = try container.decode(String.self, forKey: .service)
            self = .log(LogEntry(service: service, record: try container.decode(LogRecord.self, forKey: .record)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .status(let snapshot):
            try container.encode(Kind.status, forKey: .kind)
            try container.encode(snapshot, forKey: .status)
        case .log(let entry):
            try container.encode(Kind.log, forKey: .kind)
            try container.encode(entry.service, forKey: .service)
            try container.encode(entry.record, forKey: .record)
        }
    }
}
