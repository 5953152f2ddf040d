/// A step of a drill, at its time since the drill began.
public struct DrillTimelineEntry: Sendable, Codable, Equatable {
    public var offsetMilliseconds: Int
    public var event: String

    public init(offsetMilliseconds: Int, event: String) {
        self.offsetMilliseconds = offsetMilliseconds
        self.event = event
    }

    private enum CodingKeys: String, CodingKey {
        case offsetMilliseconds = "AtMs", event = "Event"
    }
}
