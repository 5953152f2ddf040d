import Foundation
import Testing
@testable import ComposeKit

/// compose-go's volumes-short-syntax table: a spec it refuses is refused with its message,
/// one it parses (a row naming a type) is accepted.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct VolumeShortSyntaxCorpusTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var spec: String
        var type: String
        var errorSubstring: String
        var testDescription: String { spec.debugDescription }
    }

    static let rows: [Row] = {
        guard let text = try? String(contentsOfFile: Corpus.composeGo + "/volumes-short-syntax.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 11, !fields[2].isEmpty || !fields[10].isEmpty else { return nil }
            // The table writes a backslash doubled, as Go source does.
            return Row(spec: fields[1].replacingOccurrences(of: "\\\\", with: "\\"), type: fields[2], errorSubstring: fields[10])
        }
    }()

    @Test(arguments: rows)
    func row(_ row: Row) {
        let problem = VolumeShortSyntax.problem(row.spec)
        if row.errorSubstring.isEmpty {
            #expect(problem == nil)
        } else {
            #expect(problem?.contains(row.errorSubstring) == true, "\(String(describing: problem))")
        }
    }
}
