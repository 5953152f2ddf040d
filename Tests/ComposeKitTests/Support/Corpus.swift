import Foundation
import Testing
@testable import ComposeKit

/// The shared compose corpus (../shared/compose-corpus next to the repository),
/// its manifests, and the deliberate differences docs/compose-compatibility.md lists.
struct Corpus {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let sharedRoot = PathResolver.normalize(repositoryRoot + "/../shared")
    static let root = sharedRoot + "/compose-corpus"
    static let composeGo = root + "/compose-go"
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root + "/README.md") }
    static let skipMessage = "../shared/compose-corpus is absent; corpus tests need it"

    struct Row: CustomTestStringConvertible, Sendable {
        var filename: String
        var expected: String
        var errorSubstring: String
        var notes: String
        var testDescription: String { filename }
    }

    /// compose-go/manifest.tsv rows of one kind (`valid`, `invalid`, `merge`, …).
    static func rows(_ kind: String) -> [Row] {
        guard let text = try? String(contentsOfFile: composeGo + "/manifest.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, fields[2] == kind else { return nil }
            return Row(filename: fields[0], expected: fields[2], errorSubstring: fields[3], notes: fields[4])
        }
    }

    /// Cases docs/compose-compatibility.md lists as deliberate differences: the
    /// first backticked corpus path of each row of its "Corpus differences" table.
    /// Read once: every corpus case asks.
    static let deliberateDifferences: [String: String] = {
        guard let text = try? String(contentsOfFile: repositoryRoot + "/docs/compose-compatibility.md", encoding: .utf8),
              let start = text.range(of: "## Corpus differences") else { return [:] }
        var differences: [String: String] = [:]
        for line in text[start.upperBound...].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            differences[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return differences
    }()

    /// The environment a case ran with (`env={...}` in its notes).
    static func environment(_ notes: String) -> [String: String] {
        guard let start = notes.range(of: "env={") else { return [:] }
        var depth = 0
        var end = start.upperBound
        for index in notes[notes.index(before: start.upperBound)...].indices {
            if notes[index] == "{" { depth += 1 }
            if notes[index] == "}" { depth -= 1 }
            if depth == 0 { end = notes.index(after: index); break }
        }
        let json = String(notes[notes.index(before: start.upperBound)..<end])
        return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    }

    /// The working directory a case's relative paths need (`workdir files/loader`).
    static func workingDirectory(_ notes: String, default directory: String) -> String {
        guard let range = notes.range(of: "workdir files/") else { return directory }
        let rest = notes[range.upperBound...].prefix { !$0.isWhitespace && $0 != ";" && $0 != "," && $0 != ")" }
        return composeGo + "/files/" + rest
    }

    static func options(files: [String], notes: String, directory: String) -> LoadOptions {
        let workingDirectory = workingDirectory(notes, default: directory)
        return LoadOptions(
            files: files,
            projectDirectory: workingDirectory == directory ? nil : workingDirectory,
            environment: environment(notes),
            workingDirectory: workingDirectory,
            requireCommands: false
        )
    }

    static func load(_ options: LoadOptions) -> Result<LoadedProject, ComposeError> {
        Result { () throws(ComposeError) in try ProjectLoader(options: options).load() }
    }
}
