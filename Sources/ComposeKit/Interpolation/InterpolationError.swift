/// Why a scalar could not be interpolated.
public struct InterpolationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `${VAR:?message}` met an unset or empty variable, or `${VAR?message}` an unset one.
        case requiredVariableMissing(variable: String, message: String)
        /// `reference` is the text from its `$`, as far as it goes on its line.
        case invalidSyntax(reference: String, problem: SyntaxProblem)
    }

    public enum SyntaxProblem: Sendable, Equatable {
        /// `${` with no `}` after it on the same line.
        case unterminated
        /// `${}`.
        case missingName
        /// `${` followed by something that cannot start a name, such as a space or a digit.
        case invalidName
        /// The variable name is followed by something other than `}` or an operator.
        case invalidOperator(String)
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case let .requiredVariableMissing(variable, message):
            // compose's own words, so that users searching for them find the answers.
            let base = "required variable \(variable) is missing a value"
            return message.isEmpty ? base : "\(base): \(message)"
        case let .invalidSyntax(reference, problem):
            return "invalid interpolation format \"\(reference)\": \(Self.explain(problem));"
                + " write $$ for a literal $"
        }
    }

    private static func explain(_ problem: SyntaxProblem) -> String {
        switch problem {
        case .unterminated:
            return "\"${\" is not closed by \"}\" on the same line"
        case .missingName:
            return "a variable name is missing between \"${\" and \"}\""
        case .invalidName:
            return "a variable name must start with a letter or \"_\""
        case let .invalidOperator(found):
            return "\"\(found)\" cannot follow the variable name"
                + " (expected \"}\" or one of :- - :+ + :? ?)"
        }
    }
}
