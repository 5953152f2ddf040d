import Foundation
import Testing
@testable import ComposeKit

/// The complete documents among compose-spec's own examples that the schema
/// accepts load in Slipway too, except the listed differences.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct SpecExampleCorpusTests {
    static let directory = Corpus.root + "/spec-examples"

    static let documents: [String] = {
        guard let text = try? String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 5, fields[3] == "document", fields[4] == "OK" else { return nil }
            return String(fields[0])
        }
    }()

    @Test func manifestIsRead() {
        #expect(Self.documents.count == 110)
    }

    @Test(arguments: documents)
    func exampleLoads(file: String) {
        let options = Corpus.options(files: [Self.directory + "/" + file], notes: "", directory: Self.directory)
        let outcome = Corpus.load(options)
        let difference = Corpus.deliberateDifferences["spec-examples/" + file]
        switch outcome {
        case .success:
            #expect(difference == nil, "\(file) now loads; remove it from the corpus differences")
        case let .failure(error):
            #expect(difference != nil, "\(file) should load:\n\(error)")
        }
    }
}
