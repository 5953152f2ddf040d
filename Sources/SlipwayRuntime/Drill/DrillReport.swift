import Foundation

/// What a drill saw: the data `slipway drill` prints as text, JSON, Markdown
/// or JUnit XML, and the report stored with the drill in the deployment log.
public struct DrillReport: Sendable, Codable, Equatable {
    /// The drill's row in the deployment log's `drills` table.
    public var id: Int64?
    /// A built-in scenario's name (`DrillScenario`), or a drill file's `name:`.
    public var scenario: String
    public var service: String
    public var requestsPerSecond: Int
    public var requestsSent: Int
    /// Non-2xx answers, socket errors and requests unanswered within the load's timeout.
    public var requestsFailed: Int
    /// From the fault to Slipway acting on it; nil when the scenario has none to detect (`manual-rollback`)
    /// or it was not detected.
    public var timeToDetectMs: Int?
    /// From the fault to the previous version taking traffic again; nil when
    /// nothing had to be restored (`bad-release`) or it never was.
    public var timeToRestoreMs: Int?
    /// The deployment serving when the drill ended.
    public var activeDeployment: Int64?
    public var startedAt: Date
    public var finishedAt: Date
    public var expectations: [DrillExpectation]
    public var timeline: [DrillTimelineEntry]

    public init(
        id: Int64? = nil, scenario: String, service: String, requestsPerSecond: Int, requestsSent: Int,
        requestsFailed: Int, timeToDetectMs: Int?, timeToRestoreMs: Int?, activeDeployment: Int64?, startedAt: Date,
        finishedAt: Date, expectations: [DrillExpectation], timeline: [DrillTimelineEntry]
    ) {
        self.id = id
        self.scenario = scenario
        self.service = service
        self.requestsPerSecond = requestsPerSecond
        self.requestsSent = requestsSent
        self.requestsFailed = requestsFailed
        self.timeToDetectMs = timeToDetectMs
        self.timeToRestoreMs = timeToRestoreMs
        self.activeDeployment = activeDeployment
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.expectations = expectations
        self.timeline = timeline
    }

    /// Every expectation held (a drill without expectations did not run, and fails).
    public var passed: Bool { !expectations.isEmpty && expectations.allSatisfy(\.passed) }

    public var failedExpectations: [DrillExpectation] { expectations.filter { !$0.passed } }

    private enum CodingKeys: String, CodingKey {
        case id = "ID", scenario = "Scenario", service = "Service", passed = "Passed"
        case requestsPerSecond = "LoadRPS", requestsSent = "RequestsSent", requestsFailed = "RequestsFailed"
        case timeToDetectMs = "TimeToDetectMs", timeToRestoreMs = "TimeToRestoreMs", activeDeployment = "ActiveDeployment"
        case startedAt = "StartedAt", finishedAt = "FinishedAt", expectations = "Expectations", timeline = "Timeline"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(Int64.self, forKey: .id)
        scenario = try container.decode(String.self, forKey: .scenario)
        service = try container.decode(String.self, forKey: .service)
        requestsPerSecond = try container.decode(Int.self, forKey: .requestsPerSecond)
        requestsSent = try container.decode(Int.self, forKey: .requestsSent)
        requestsFailed = try container.decode(Int.self, forKey: .requestsFailed)
        timeToDetectMs = try container.decodeIfPresent(Int.self, forKey: .timeToDetectMs)
        timeToRestoreMs = try container.decodeIfPresent(Int.self, forKey: .timeToRestoreMs)
        activeDeployment = try container.decodeIfPresent(Int64.self, forKey: .activeDeployment)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        finishedAt = try container.decode(Date.self, forKey: .finishedAt)
        expectations = try container.decode([DrillExpectation].self, forKey: .expectations)
        timeline = try container.decode([DrillTimelineEntry].self, forKey: .timeline)
    }

    /// Every field is written, a measure that does not apply as `null`, so a
    /// CI script reads the same keys from every drill.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(service, forKey: .service)
        try container.encode(passed, forKey: .passed)
        try container.encode(requestsPerSecond, forKey: .requestsPerSecond)
        try container.encode(requestsSent, forKey: .requestsSent)
        try container.encode(requestsFailed, forKey: .requestsFailed)
        try container.encode(timeToDetectMs, forKey: .timeToDetectMs)
        try container.encode(timeToRestoreMs, forKey: .timeToRestoreMs)
        try container.encode(activeDeployment, forKey: .activeDeployment)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(expectations, forKey: .expectations)
        try container.encode(timeline, forKey: .timeline)
    }

    /// One line of JSON, keys sorted, times in ISO 8601: what `--format json`
    /// prints and what the `drills` table stores.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
