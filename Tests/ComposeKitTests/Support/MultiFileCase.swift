import Foundation
@testable import ComposeKit

/// How a compose-go manifest row is loaded: which `-f` files, from where.
enum MultiFileCase {
    static func options(for row: Corpus.Row) -> LoadOptions {
        let path = Corpus.composeGo + "/" + row.filename
        guard row.filename.hasPrefix("multi/") else {
            // compose-go ran its inline YAML with the loader package as working directory.
            let inline = row.filename.hasPrefix("valid/loader-") || row.filename.hasPrefix("invalid/loader-")
            let notes = inline && !row.notes.contains("workdir ") ? row.notes + "; workdir files/loader" : row.notes
            return Corpus.options(files: [path], notes: notes, directory: PathResolver.directory(of: path))
        }
        let directory = PathResolver.normalize(path)
        let files = files(notes: row.notes).map { directory + "/" + $0 }
        var options = Corpus.options(files: files, notes: row.notes, directory: directory)
        if row.notes.contains("SetProjectName") { options.projectName = "project" }
        return options
    }

    /// "files in order: a.yaml, b.yaml; load b.yaml" → [b.yaml]; without "load", all of them.
    static func files(notes: String) -> [String] {
        let clauses = notes.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        if let load = clauses.first(where: { $0.hasPrefix("load ") }) {
            return [String(load.dropFirst("load ".count).prefix { !$0.isWhitespace && $0 != "(" && $0 != ":" && $0 != "," })]
        }
        guard let list = clauses.first(where: { $0.hasPrefix("files in order: ") }) else { return [] }
        return list.dropFirst("files in order: ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// Whether Slipway rejected a case for the reason compose-go gave, in Slipway's words.
enum RejectionReason {
    /// compose-go wording → the words Slipway uses for the same problem.
    static let equivalents: [(composeGo: String, slipway: String)] = [
        ("dependency cycle detected", "dependency cycle detected"),
        ("depends on undefined service", "depends on undefined service"),
        ("include cycle detected", "include cycle detected"),
        ("empty compose file", "empty compose file"),
        ("found a tab character", "invalid YAML"),
        ("must be a mapping", "must be a mapping"),
        ("must be a string", "must be a string"),
        ("must be a boolean, null, number or string", "must be a boolean, null, number or string"),
        ("top-level object must be a mapping", "top-level object must be a mapping"),
        ("non-string key", "non-string key"),
        ("already defined", "already defined"),
        ("excessive aliasing", "excessive aliasing"),
        ("map merge requires map", "map merge requires map"),
        ("cycle detected: node at path", "found undefined alias"),
        ("additional properties", "unknown key"),
        ("is declared with a trailing space", "is declared with a leading or trailing space"),
        ("extends.test.service is required", "extends.service is required"),
        ("this-file-does-not-exist.env", "this-file-does-not-exist.env"),
        ("project name must not be empty", "project name must not be empty"),
        ("(any error: v1 format", "unknown key"),
        ("name must be a string", "name must be a string"),
    ]

    static func matches(_ error: ComposeError, expected: String) -> Bool {
        let messages = error.errors.map(\.description)
        let normalizedExpected = expected.replacingOccurrences(of: " -> ", with: " → ")
        if messages.contains(where: { $0.contains(normalizedExpected) }) { return true }
        return equivalents.contains { pair in
            expected.contains(pair.composeGo) && messages.contains { $0.contains(pair.slipway) }
        }
    }
}
