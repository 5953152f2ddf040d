import Foundation
import Testing
@testable import ComposeKit

/// compose-go's loader cases: every `valid` case loads, every `invalid` case is
/// rejected for the same reason, except the deliberate differences that
/// docs/compose-compatibility.md lists (and this test checks still differ).
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct ComposeGoCorpusTests {
    static let validRows = Corpus.rows("valid").filter { $0.filename.hasPrefix("valid/") || $0.filename.hasPrefix("multi/") || $0.filename.hasPrefix("files/") }
    static let invalidRows = Corpus.rows("invalid").filter { $0.filename.hasPrefix("invalid/") || $0.filename.hasPrefix("files/loader") }

    @Test(arguments: validRows)
    func validCaseLoads(row: Corpus.Row) {
        let outcome = Corpus.load(MultiFileCase.options(for: row))
        let difference = Corpus.deliberateDifferences[row.filename]
        switch outcome {
        case .success:
            #expect(difference == nil, "\(row.filename) now loads; remove it from the corpus differences in docs/compose-compatibility.md")
        case let .failure(error):
            #expect(difference != nil, "\(row.filename) should load but failed:\n\(error)")
        }
    }

    @Test(arguments: invalidRows)
    func invalidCaseIsRejectedForTheSameReason(row: Corpus.Row) {
        let outcome = Corpus.load(MultiFileCase.options(for: row))
        let difference = Corpus.deliberateDifferences[row.filename]
        switch outcome {
        case .success:
            #expect(difference != nil, "\(row.filename) should be rejected (\(row.errorSubstring)) but loaded")
        case let .failure(error):
            let sameReason = RejectionReason.matches(error, expected: row.errorSubstring)
            if difference == nil {
                #expect(sameReason, "\(row.filename) rejected for another reason; compose-go: \(row.errorSubstring)\nSlipway:\n\(error)")
            }
        }
    }
}
