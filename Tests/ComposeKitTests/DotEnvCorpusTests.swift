import ComposeKit
import Foundation
import Testing

/// Every row of compose-go's `.env` table (`dotenv.tsv`).
@Suite(.enabled(if: ComposeGoCorpus.isPresent, ComposeGoCorpus.absenceNote))
struct DotEnvCorpusTests {
    static let exceptionsDocument = "docs/dotenv-exceptions.md"

    @Test func everyRowGivesTheExpectedValueOrError() throws {
        let rows = try ComposeGoCorpus.rows(of: "dotenv.tsv")
        let exceptions = try ComposeGoCorpus.exceptions(in: Self.exceptionsDocument)
        #expect(rows.count >= 157)
        #expect(Set(exceptions.keys).isSubset(of: Set(rows.map(\.id))), "exceptions name rows that do not exist")
        var previousFiles: [String] = []
        for row in rows {
            let files = try Self.files(of: row["input"], previous: previousFiles)
            previousFiles = files
            if exceptions[row.id] == nil { try check(row, files: files) }
        }
    }

    private func check(_ row: ComposeGoCorpus.Row, files: [String]) throws {
        let environment = try ComposeGoCorpus.environment(row["lookup_env_json"]) ?? [:]
        let context: Comment = "row \(row.id): \(row["input"])"
        let expectedError = row["expected_error_substring"]
        let result = Result { () throws(DotEnvError) in try Self.read(files, environment: environment) }
        switch result {
        case let .failure(error):
            #expect(!expectedError.isEmpty, "unexpected \(error); \(context)")
            if expectedError != "error (any)" {
                #expect(error.description.contains(expectedError), "\(error); \(context)")
            }
        case let .success(variables):
            #expect(expectedError.isEmpty, "expected an error \(expectedError); \(context)")
            guard expectedError.isEmpty else { return }
            let keys = row["key"].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let values = row["expected_value"].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            #expect(keys.count == values.count, context)
            for (key, expected) in zip(keys, values) {
                let wanted = expected == "<ABSENT>" ? nil : ComposeGoCorpus.expectedValue(expected)
                #expect(variables[key] == wanted, "\(key); \(context)")
            }
        }
    }

    /// Reads env files in order as compose does: each sees the environment first, then
    /// itself, then the files before it; a bare key takes the environment's value.
    static func read(_ files: [String], environment: [String: String]) throws(DotEnvError) -> [String: String] {
        var variables: [String: String] = [:]
        for text in files {
            let earlier = variables
            let entries = try DotEnvParser.parse(text, lookup: { environment[$0] }, fallback: { earlier[$0] })
            for (key, value) in entries {
                if let resolved = value ?? environment[key] { variables[key] = resolved }
            }
        }
        return variables
    }

    /// The texts a row reads: a fixture file, two inline files, the previous row's files,
    /// or the escaped text itself.
    static func files(of input: String, previous: [String]) throws -> [String] {
        if input.hasPrefix("@file:") {
            let url = ComposeGoCorpus.directory.appendingPathComponent("files/" + input.dropFirst("@file:".count))
            return [try String(contentsOf: url, encoding: .utf8)]
        }
        if input.hasPrefix("@inline base.env: ") {
            let pair = input.dropFirst("@inline base.env: ".count).components(separatedBy: "  then override.env: ")
            // These two come from Go string literals, where \n is a newline.
            return pair.map { ComposeGoCorpus.unescape($0).replacingOccurrences(of: "\\n", with: "\n") }
        }
        if input == "(same two files)" { return previous }
        return [ComposeGoCorpus.unescape(input)]
    }
}
