/// One line the supervisor writes back: the answer to a request, or for
/// `watch` a stream of events closed by `end`.
public enum ControlReply: Sendable, Equatable {
    case status(StatusSnapshot)
    case stats(StatsSnapshot)
    case report(ActionReport)
    case addresses([String: ServiceAddress])
    case deployed(DeployReport)
    case fault(FaultReport)
    case failure(ControlFailure)
    case event(ControlEvent)
    /// The last line of a `watch` stream: the supervisor is going away.
    case end
}

extension ControlReply: Codable {
    private enum CodingKeys: String, CodingKey {
        case ok, status, stats, report, deployed, error, event, end, addresses, fault
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let event = try container.decodeIfPresent(ControlEvent.self, forKey: .event) {
            self = .event(event)
        } else if let failure = try container.decodeIfPresent(ControlFailure.self, forKey: .error) {
            self = .failure(failure)
        } else if let status = try container.decodeIfPresent(StatusSnapshot.self, forKey: .status) {
            self = .status(status)
        } else if let stats = try container.decodeIfPresent(StatsSnapshot.self, forKey: .stats) {
            self = .stats(stats)
        } else if let report = try container.decodeIfPresent(ActionReport.self, forKey: .report) {
            self = .report(report)
        } else if let addresses = try container.decodeIfPresent([String: ServiceAddress].self, forKey: .addresses) {
            self = .addresses(addresses)
        } else if let report = try container.decodeIfPresent(DeployReport.self, forKey: .deployed) {
            self = .deployed(report)
        } else if let report = try container.decodeIfPresent(FaultReport.self, forKey: .fault) {
            self = .fault(report)
        } else if try container.decodeIfPresent(Bool.self, forKey: .end) == true {
            self = .end
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a reply with neither status, stats, report, error, event nor end"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .status(let snapshot):
            try container.encode(true, forKey: .ok)
            try container.encode(snapshot, forKey: .status)
        case .stats(let stats):
            try container.encode(true, forKey: .ok)
            try container.encode(stats, forKey: .stats)
        case .report(let report):
            try container.encode(true, forKey: .ok)
            try container.encode(report, forKey: .report)
        case .deployed(let report):
            try container.encode(true, forKey: .ok)
            try container.encode(report, forKey: .deployed)
        case .failure(let failure):
            try container.encode(false, forKey: .ok)
            try container.encode(failure, forKey: .error)
        case .event(let event):
            try container.encode(event, forKey: .event)
        case .addresses(let addresses):
            try container.encode(true, forKey: .ok)
            try container.encode(addresses, forKey: .addresses)
        case .fault(let report):
            try container.encode(true, forKey: .ok)
            try container.encode(report, forKey: .fault)
        case .end:
            try container.encode(true, forKey: .ok)
            try container.encode(true, forKey: .end)
        }
    }
}
