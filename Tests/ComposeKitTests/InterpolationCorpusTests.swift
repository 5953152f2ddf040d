import ComposeKit
import Foundation
import Testing

/// Every row of compose-go's interpolation table (`interpolation.tsv`).
@Suite(.enabled(if: ComposeGoCorpus.isPresent, ComposeGoCorpus.absenceNote))
struct InterpolationCorpusTests {
    static let exceptionsDocument = "docs/interpolation-exceptions.md"

    @Test func everyRowGivesTheExpectedValueOrError() throws {
        let rows = try ComposeGoCorpus.rows(of: "interpolation.tsv")
        let exceptions = try ComposeGoCorpus.exceptions(in: Self.exceptionsDocument)
        #expect(rows.count >= 123)
        #expect(Set(exceptions.keys).isSubset(of: Set(rows.map(\.id))), "exceptions name rows that do not exist")
        for row in rows where exceptions[row.id] == nil {
            if row["notes"].hasPrefix("OPERATOR-CHOICE ONLY") {
                try checkOperatorChoice(row)
            } else if row["input"].hasSuffix(Self.dotEnvSuffix) {
                try checkDotEnvPrecedence(row)
            } else {
                try checkTemplate(row)
            }
        }
    }

    private func checkTemplate(_ row: ComposeGoCorpus.Row) throws {
        let environment = try ComposeGoCorpus.environment(row["env_json"]) ?? [:]
        let interpolator = Interpolator { environment[$0] }
        let template = ComposeGoCorpus.unescape(row["input"])
        let expectedError = ComposeGoCorpus.unescape(row["expected_error_substring"])
        let context: Comment = "row \(row.id): \(template)"
        guard expectedError.isEmpty else {
            let error = #expect(throws: InterpolationError.self, context) { try interpolator.interpolate(template) }
            if let error { check(error, against: expectedError, context) }
            return
        }
        let result: InterpolatedText
        do {
            result = try interpolator.interpolate(template)
        } catch {
            Issue.record("\(error); \(context)")
            return
        }
        #expect(result.value == ComposeGoCorpus.expectedValue(row["expected_output"]), context)
        if let unset = expectedWarnings(row["notes"]) {
            #expect(result.unsetVariables == unset, context)
        }
    }

    /// compose-go's wording for required variables is kept; its syntax errors become
    /// `.invalidSyntax`, naming the reference compose prints on the last line.
    private func check(_ error: InterpolationError, against expected: String, _ context: Comment) {
        if let range = expected.range(of: "required variable ") {
            #expect(error.description == String(expected[range.lowerBound...]), context)
            return
        }
        guard case let .invalidSyntax(reference, _) = error.kind else {
            Issue.record("expected a syntax error, got \(error); \(context)")
            return
        }
        if expected.contains("\n"), let lastLine = expected.split(separator: "\n").last {
            #expect(reference == String(lastLine), context)
        }
    }

    /// The warning counts some rows assert (TestLazyDefault…).
    private func expectedWarnings(_ notes: String) -> [String]? {
        if notes.contains("0 warnings") || notes.contains("no \"variable is not set\" warning") { return [] }
        guard let range = notes.range(of: "exactly 1 warning (for ") else { return nil }
        return [String(notes[range.upperBound...].prefix { $0 != ")" })]
    }

    /// Rows that only name the operator compose-go picks for a body: the picked operator
    /// must decide the result for an unset, an empty and a set variable.
    private func checkOperatorChoice(_ row: ComposeGoCorpus.Row) throws {
        let input = row["input"]
        let body = String(input.dropFirst(2).dropLast())
        let notes = row["notes"]
        let operatorStart = try #require(notes.range(of: "is \""), "row \(row.id)")
        let op = String(notes[operatorStart.upperBound...].prefix { $0 != "\"" })
        let name = String(body.prefix { $0.isLetter || $0 == "_" })
        let argument = String(body.dropFirst(name.count + op.count))
        for value: String? in [nil, "", "set"] {
            let interpolator = Interpolator { $0 == name ? value : nil }
            let actual = Result { () throws(InterpolationError) in try interpolator.interpolate(input).value }
            let expected = Self.outcome(of: op, name: name, value: value, argument: argument)
            #expect(actual == expected, "row \(row.id): \(input) with \(name)=\(value.debugDescription)")
        }
    }

    /// The compose-spec definition of each operator.
    static func outcome(
        of op: String, name: String, value: String?, argument: String
    ) -> Result<String, InterpolationError> {
        let isSet = value != nil
        let isFull = !(value ?? "").isEmpty
        let missing = InterpolationError(.requiredVariableMissing(variable: name, message: argument))
        switch op {
        case ":-": return .success(isFull ? value! : argument)
        case "-": return .success(isSet ? value! : argument)
        case ":+": return .success(isFull ? argument : value ?? "")
        case "+": return .success(isSet ? argument : "")
        case ":?": return isFull ? .success(value!) : .failure(missing)
        default: return isSet ? .success(value!) : .failure(missing)
        }
    }

    static let dotEnvSuffix = " (in .env after FOO=foo)"

    /// TestEnvVariablePrecedence: `.env` holds `FOO=foo` then `BAR=${FOO}`, and the
    /// process environment wins over the file, also inside it.
    private func checkDotEnvPrecedence(_ row: ComposeGoCorpus.Row) throws {
        let environment = try ComposeGoCorpus.environment(row["env_json"]) ?? [:]
        let text = "FOO=foo\n" + row["input"].dropLast(Self.dotEnvSuffix.count)
        let bar = Result { () throws(DotEnvError) in
            try DotEnvParser.parse(text) { environment[$0] }.first { $0.key == "BAR" }?.value
        }
        #expect(bar == .success(ComposeGoCorpus.expectedValue(row["expected_output"])), "row \(row.id)")
    }
}
