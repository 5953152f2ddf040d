import Foundation
import Testing
@testable import ComposeKit

/// compose-go's override cases: base.yaml merged with override.yaml gives the
/// same normalized project as expected.yaml (input.yaml alone for the
/// de-duplication cases), except the listed deliberate differences.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct ComposeGoMergeCorpusTests {
    static let rows = Corpus.rows("merge") + Corpus.rows("unicity")

    /// The files merged in order, every key in one canonical form (a mapping merged
    /// with itself turns `KEY=VALUE` lists into mappings and removes repeats),
    /// services decoded without reading their env files (the corpus has none).
    private func canonical(_ files: [String], directory: String) throws -> (services: [String: Service], rest: [String: ComposeValue]) {
        var merged: YAMLNode?
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for document in try YAMLReader(file: file).read(text) {
                merged = merged.map { NodeMerger.merge($0, document) } ?? document
            }
        }
        let root = try #require(merged.flatMap(NodeMerger.stripResets))
        let canonical = NodeMerger.merge(root, root)
        let decoder = ServiceDecoder(reader: ValueReader(log: DiagnosticLog()), projectDirectory: directory) { _ in nil }
        var services: [String: Service] = [:]
        for entry in canonical["services"]?.entries ?? [] {
            services[entry.key] = decoder.decode(name: entry.key, node: entry.value).service
        }
        var rest: [String: ComposeValue] = [:]
        for entry in canonical.entries ?? [] where entry.key != "services" {
            rest[entry.key] = entry.value.resolved
        }
        return (services, rest)
    }

    @Test(arguments: rows)
    func mergeGivesTheExpectedProject(row: Corpus.Row) throws {
        let directory = PathResolver.normalize(Corpus.composeGo + "/" + row.filename)
        let inputs = ["base.yaml", "override.yaml", "input.yaml"].map { directory + "/" + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
        let merged = try canonical(inputs, directory: directory)
        let expected = try canonical([directory + "/expected.yaml"], directory: directory)
        let same = merged.services == expected.services && merged.rest == expected.rest
        if let difference = Corpus.deliberateDifferences[row.filename] {
            #expect(!same, "\(row.filename) now matches; remove it from the corpus differences (\(difference))")
        } else {
            #expect(same, "\(row.filename): merged \(merged) differs from expected \(expected)")
        }
    }
}
