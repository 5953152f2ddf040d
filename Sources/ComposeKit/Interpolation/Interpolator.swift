/// Compose's variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?message}`, `${VAR?message}`, `${VAR:+alternative}`, `${VAR+alternative}`, `$$`),
/// with the results and the quirks of compose-go's `template` package.
public struct Interpolator: Sendable {
    private let lookup: @Sendable (String) -> String?

    /// `lookup` returns nil for an unset variable and "" for a set but empty one.
    public init(lookup: @escaping @Sendable (String) -> String?) {
        self.lookup = lookup
    }

    /// Interpolates one scalar. Unset variables without a default become "" and are reported.
    public func interpolate(_ text: String) throws(InterpolationError) -> InterpolatedText {
        guard text.utf8.contains(Template.dollar) else {
            return InterpolatedText(value: text)
        }
        var substitution = TemplateSubstitution()
        let bytes = Array(text.utf8)
        let value = try substitution.substitute(bytes[...], lookup: lookup)
        return InterpolatedText(
            value: String(decoding: value, as: UTF8.self),
            unsetVariables: substitution.unsetVariables
        )
    }

    /// Doubles every `$`, so that a resolved value printed back reads the same with
    /// interpolation on.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(Template.dollar) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 4)
        for character in text {
            escaped.append(character)
            if character == "$" { escaped.append("$") }
        }
        return escaped
    }
}
