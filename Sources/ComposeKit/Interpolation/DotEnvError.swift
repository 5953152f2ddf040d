/// Why a `.env` or `env_file` text could not be read, and on which line.
public struct DotEnvError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// A key holds only letters, digits, `_`, `.`, `-`, `[` and `]`.
        case unexpectedCharacterInKey(String)
        case keyContainsSpace(String)
        /// The quoted value, as far as its first line goes.
        case unterminatedQuotedValue(String)
        /// `export` with nothing after it.
        case missingKey
        /// A `${…}` inside an unquoted or double-quoted value failed.
        case interpolation(InterpolationError)
    }

    /// 1-based line of the statement that failed.
    public var line: Int
    public var problem: Problem

    public init(line: Int, problem: Problem) {
        self.line = line
        self.problem = problem
    }

    public var description: String {
        "line \(line): \(explanation)"
    }

    // compose's wording is kept at the start of each message, so that users searching
    // for docker compose's error find the answers.
    private var explanation: String {
        switch problem {
        case let .unexpectedCharacterInKey(character):
            return "unexpected character \"\(character)\" in variable name"
                + " (a key holds letters, digits, _ . - [ ]; a comment line starts with #)"
        case let .keyContainsSpace(key):
            return "key cannot contain a space: \"\(key)\""
        case let .unterminatedQuotedValue(value):
            return "unterminated quoted value \(value)"
        case .missingKey:
            return "\"export\" is not followed by a variable"
        case let .interpolation(error):
            return error.description
        }
    }
}
