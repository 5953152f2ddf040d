import Foundation

/// One row of `drills`: a `slipway drill` run and the report it printed.
public struct DrillRecord: Sendable, Equatable, Identifiable {
    public var id: Int64
    /// `bad-release`, `crash-after-switch`, `hang`, `manual-rollback`.
    public var scenario: String
    public var service: String
    /// Every expectation held.
    public var passed: Bool
    public var startedAt: Date
    public var finishedAt: Date
    /// The drill's report as JSON text (what `slipway drill --format json` prints).
    public var report: String

    public init(
        id: Int64, scenario: String, service: String, passed: Bool, startedAt: Date, finishedAt: Date, report: String
    ) {
        self.id = id
        self.scenario = scenario
        self.service = service
        self.passed = passed
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.report = report
    }
}
