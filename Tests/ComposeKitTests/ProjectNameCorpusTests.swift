import Foundation
import Testing
@testable import ComposeKit

/// compose-go's project-name table (project-names.tsv): each row loads with the
/// options it describes and gives the expected name or error.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct ProjectNameCorpusTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var input: String
        var valid: Bool
        var error: String
        var notes: String
        var testDescription: String { input }

        /// The name the row expects: the input itself, or the quoted name after "=>".
        var expectedName: String? {
            guard valid else { return nil }
            guard let arrow = notes.range(of: "=> \"") else { return input }
            return String(notes[arrow.upperBound...].prefix { $0 != "\"" })
        }
    }

    static let rows: [Row] = {
        guard let text = try? String(contentsOfFile: Corpus.composeGo + "/project-names.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4 else { return nil }
            return Row(input: fields[0], valid: fields[1] == "valid", error: fields[2], notes: fields[3])
        }
    }()

    static let cli = Corpus.composeGo + "/files/cli"

    /// The load a row describes; every file is read from the corpus, never written.
    private func options(_ row: Row) throws -> LoadOptions {
        let stdin = LoadOptions(files: ["-"], environment: [:], workingDirectory: Self.cli, requireCommands: false) {
            "services:\n  web:\n    command: x\n"
        }
        var options = stdin
        switch row.input {
        case "(none; workdir /path/to/proj)":
            options.projectDirectory = "/path/to/proj"
        case "(none; workdir /)":
            options.workingDirectory = "/"
        case "(none; workdir .)":
            break
        case "(none; -f testdata/simple/compose.yaml)":
            options.files = ["testdata/simple/compose.yaml"]
        case "(none; -f \"testdata/UNNORMALIZED PATH/compose.yaml\")":
            options.files = ["testdata/UNNORMALIZED PATH/compose.yaml"]
        case "(none; name: test-${TEST}-test in file, TEST=expected)":
            options.files = ["testdata/simple/compose-name.yaml"]
            options.environment = ["TEST": "expected"]
        case "(none; .env has COMPOSE_PROJECT_NAME=my_project_from_dot_env)":
            options.files = ["testdata/env-file/compose-with-env-file.yaml"]
        case _ where row.notes.contains("COMPOSE_PROJECT_NAME"):
            options.environment = ["COMPOSE_PROJECT_NAME": row.input]
        default:
            options.projectName = row.input
        }
        return options
    }

    @Test func tableIsRead() {
        #expect(Self.rows.count == 14)
    }

    @Test(arguments: rows)
    func rowGivesTheExpectedNameOrError(row: Row) throws {
        switch Corpus.load(try options(row)) {
        case let .success(loaded):
            #expect(loaded.project.name == row.expectedName, "\(row.input): got \(loaded.project.name)")
        case let .failure(error):
            #expect(!row.valid, "\(row.input) should be valid:\n\(error)")
            #expect(error.errors.contains { $0.message.contains(row.error) }, "\(row.input): expected \(row.error), got\n\(error)")
        }
    }
}
