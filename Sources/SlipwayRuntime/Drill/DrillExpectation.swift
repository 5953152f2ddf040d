/// One thing a drill expects, and whether it held.
public struct DrillExpectation: Sendable, Codable, Equatable {
    public var name: String
    public var passed: Bool
    /// What was seen: the evidence when it held, the reason when it did not.
    public var detail: String

    public init(name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case name = "Name", passed = "Passed", detail = "Detail"
    }
}
