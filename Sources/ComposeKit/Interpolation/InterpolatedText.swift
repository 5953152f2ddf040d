/// The result of interpolating one scalar: its value, and the variables it
/// read that were not set (compose warns about each and uses "").
public struct InterpolatedText: Sendable, Equatable {
    public var value: String
    /// Each name once, in the order the text first uses it.
    public var unsetVariables: [String]

    public init(value: String, unsetVariables: [String] = []) {
        self.value = value
        self.unsetVariables = unsetVariables
    }
}
