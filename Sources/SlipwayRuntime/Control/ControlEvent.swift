/// What a `watch` stream carries.
public enum ControlEvent: Sendable, Equatable {
    /// The instances' status after something changed.
    case status(StatusSnapshot)
    /// A line a service wrote.
    case log(LogEntry)
    /// A step of a deploy.
    case deploy(DeployProgress)
}

extension ControlEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, status, service, record, deploy
    }

    private enum Kind: String, Codable {
        case status, log, deploy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .status:
            self = .status(try container.decode(StatusSnapshot.self, forKey: .status))
        case .log:
            let service = try container.decode(String.self, forKey: .service)
            self = .log(LogEntry(service: service, record: try container.decode(LogRecord.self, forKey: .record)))
        case .deploy:
            self = .deploy(try container.decode(DeployProgress.self, forKey: .deploy))
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
        case .deploy(let progress):
            try container.encode(Kind.deploy, forKey: .kind)
            try container.encode(progress, forKey: .deploy)
        }
    }
}
