import Foundation
import Testing
@testable import ComposeKit

/// Every awesome-compose project loads with its own directory (and `.env`),
/// with the services its manifest lists.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct AwesomeComposeCorpusTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var name: String
        var file: String
        var services: [String]
        var testDescription: String { name }
    }

    static let examples: [Example] = {
        let root = Corpus.root + "/awesome-compose"
        guard let text = try? String(contentsOfFile: root + "/manifest.tsv", encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, let nameColumn = header.firstIndex(of: "example"),
              let fileColumn = header.firstIndex(of: "origin"), let servicesColumn = header.firstIndex(of: "services") else { return [] }
        return lines.dropFirst().compactMap { fields in
            guard fields.count > max(nameColumn, fileColumn, servicesColumn) else { return nil }
            let name = fields[nameColumn]
            let original = (fields[fileColumn] as NSString).lastPathComponent
            let services = fields[servicesColumn].split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            return Example(name: name, file: "\(root)/projects/\(name)/\(original)", services: services.sorted())
        }
    }()

    @Test func manifestIsRead() {
        #expect(Self.examples.count == 39)
    }

    @Test(arguments: examples)
    func exampleLoadsWithItsServices(example: Example) throws {
        let directory = PathResolver.directory(of: example.file)
        let options = LoadOptions(files: [example.file], environment: [:], workingDirectory: directory, requireCommands: false)
        let loaded = try ProjectLoader(options: options).load()
        #expect(loaded.project.services.keys.sorted() == example.services)
    }
}
