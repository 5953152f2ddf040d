import Foundation
import Testing
@testable import ComposeKit

/// compose-go's port fragments (one long-syntax port entry each), placed in a
/// service: the valid ones load, the invalid one fails on the host IP. The
/// `configs` fragments concern a key Slipway keeps without emulating.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct ComposeGoFragmentCorpusTests {
    static let rows = (Corpus.rows("valid") + Corpus.rows("invalid")).filter { $0.filename.hasPrefix("fragments/TestIPAddress") }

    @Test func everyPortFragmentIsCovered() {
        #expect(Self.rows.count == 3)
    }

    @Test(arguments: rows)
    func portFragmentInAServiceBehavesAsInComposeGo(row: Corpus.Row) throws {
        let fragment = try String(contentsOfFile: Corpus.composeGo + "/" + row.filename, encoding: .utf8)
        let indented = fragment.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  test:\n    command: x\n    ports:\n      -\n\(indented)\n")
        let errors = directory.errors()
        if row.expected == "valid" {
            #expect(errors.isEmpty, "\(errors)")
        } else {
            let expected = row.errorSubstring.components(separatedBy: ": ").dropFirst().joined(separator: ": ")
            #expect(errors.contains { $0.message.contains(expected) }, "\(errors)")
        }
    }
}
