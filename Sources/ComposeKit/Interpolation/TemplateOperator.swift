/// The operator of `${NAME<operator>argument}`, which compose accepts only right after the name.
enum TemplateOperator {
    /// `:-`
    case defaultWhenEmptyOrUnset
    /// `-`
    case defaultWhenUnset
    /// `:+`
    case alternativeWhenNotEmpty
    /// `+`
    case alternativeWhenSet
    /// `:?`
    case errorWhenEmptyOrUnset
    /// `?`
    case errorWhenUnset

    /// The operator at `index` and its length in bytes.
    static func parse(_ text: ArraySlice<UInt8>, at index: Int) -> (TemplateOperator, length: Int)? {
        let colon = text[index] == Template.colon
        let symbolAt = colon ? index + 1 : index
        guard symbolAt < text.endIndex else { return nil }
        let length = colon ? 2 : 1
        switch (text[symbolAt], colon) {
        case (UInt8(ascii: "-"), true): return (.defaultWhenEmptyOrUnset, length)
        case (UInt8(ascii: "-"), false): return (.defaultWhenUnset, length)
        case (UInt8(ascii: "+"), true): return (.alternativeWhenNotEmpty, length)
        case (UInt8(ascii: "+"), false): return (.alternativeWhenSet, length)
        case (UInt8(ascii: "?"), true): return (.errorWhenEmptyOrUnset, length)
        case (UInt8(ascii: "?"), false): return (.errorWhenUnset, length)
        default: return nil
        }
    }

    /// Whether the argument is used in place of the variable's value; compose evaluates
    /// it only then, so an unused branch neither warns nor fails.
    func usesArgument(for value: String?) -> Bool {
        switch self {
        case .defaultWhenEmptyOrUnset, .errorWhenEmptyOrUnset: value == nil || value == ""
        case .defaultWhenUnset, .errorWhenUnset: value == nil
        case .alternativeWhenNotEmpty: value != nil && value != ""
        case .alternativeWhenSet: value != nil
        }
    }

    var raisesError: Bool {
        self == .errorWhenEmptyOrUnset || self == .errorWhenUnset
    }
}
